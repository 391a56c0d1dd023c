import type { Behaviour, PanelDbRow } from "./get-month-report";
import { mergeTop, readHostNames } from "./get-month-report";
import type { TailDbRow } from "./panel-store";
import { headRecords, readHeads, readTailPage } from "./panel-store";

export interface PanelPageRows {
  /** The month's last run (changes are shown against it), its robots by behaviour, the panel's totals. */
  head: Behaviour & {
    lastRunId: number | null;
    n: number;
    sumHits: number;
    sumPages: number;
    sumBytes: number;
    maxHits: number;
    maxPages: number;
  };
  rows: PanelDbRow[];
}

/**
 * One panel of a month, a page of rows in report order, with its totals: the head, then the
 * panel's tail rows only when the page reaches past what the head vouches for (a full panel's
 * tail is bounded by the month's distinct keys, never by the site's age).
 */
export async function getPanelPage(
  db: D1Database,
  siteId: number,
  month: string,
  panel: string,
  page: { limit: number; offset: number },
): Promise<PanelPageRows> {
  const [run, heads] = await db.batch([
    db
      .prepare(`SELECT last_run_id AS lastRunId, behaviour_hits AS behaviourHits, behaviour_pages AS behaviourPages,
          behaviour_ref_hits AS behaviourRefHits, behaviour_search_hits AS behaviourSearchHits,
          behaviour_image_hits AS behaviourImageHits, behaviour_download_hits AS behaviourDownloadHits
        FROM months WHERE site_id = ?1 AND month = ?2`)
      .bind(siteId, month),
    readHeads(db, siteId, [[month, panel]]),
  ]);
  const m = (run.results[0] as (Behaviour & { lastRunId: number | null }) | undefined) ?? {
    lastRunId: null,
    behaviourHits: null,
    behaviourPages: null,
    behaviourRefHits: null,
    behaviourSearchHits: null,
    behaviourImageHits: null,
    behaviourDownloadHits: null,
  };
  const h = headRecords(heads.results)[0]?.head;
  if (h === undefined)
    return {
      head: { ...m, n: 0, sumHits: 0, sumPages: 0, sumBytes: 0, maxHits: 0, maxPages: 0 },
      rows: [],
    };
  const end = page.offset + page.limit;
  let tail: TailDbRow[] = [];
  let tailMaxPages = 0;
  if (h.tail !== null) {
    const [rows, max] = await db.batch([
      // Every page reads the tail from its top: a head row may rank below tail rows (see
      // trustedRows), so only their merge gives the order.
      readTailPage(db, siteId, month, panel, end, 0),
      db
        .prepare(
          "SELECT COALESCE(MAX(pages), 0) AS m FROM panel_tails WHERE site_id = ?1 AND period = ?2 AND panel = ?3",
        )
        .bind(siteId, month, panel),
    ]);
    tail = rows.results as TailDbRow[];
    tailMaxPages = (max.results[0] as { m: number }).m;
  }
  const merged = mergeTop(h, tail, end).slice(page.offset);
  const names = new Map<string, string | null>();
  if (panel === "feed-hosts" && merged.length > 0) {
    const r = await readHostNames(
      db,
      siteId,
      merged.map((m) => m.key),
    ).all<{ address: string; name: string | null }>();
    for (const n of r.results) names.set(n.address, n.name);
  }
  return {
    head: {
      ...m,
      n: h.n,
      sumHits: h.hits,
      sumPages: h.pages,
      sumBytes: h.bytes,
      maxHits: Math.max(h.rows[0]?.hits ?? 0, tail[0]?.hits ?? 0),
      maxPages: Math.max(tailMaxPages, ...h.rows.map((r) => r.pages)),
    },
    rows: merged.map((r) => ({
      panel,
      ...r,
      n: 0,
      sumHits: 0,
      sumPages: 0,
      sumBytes: 0,
      hostName: panel === "feed-hosts" ? (names.get(r.key) ?? null) : null,
    })),
  };
}
