import type { PanelHead, StoredRow } from "../../ingest/panel-head";
import { decodeHeadRows, encodeHeadRows } from "../../ingest/panel-head";
import { jsonSlices } from "../json-slices";

/** A stored head with where it belongs. */
export interface HeadRecord {
  period: string;
  panel: string;
  head: PanelHead;
}

interface HeadDbRow {
  period: string;
  panel: string;
  rows: string;
  n: number;
  hits: number;
  pages: number;
  bytes: number;
  tailHits: number;
  tailPages: number;
  tailKey: string;
}

const HEAD_COLUMNS = `h.period AS period, h.panel AS panel, h.rows AS rows, h.n AS n, h.hits AS hits,
  h.pages AS pages, h.bytes AS bytes, h.tail_hits AS tailHits, h.tail_pages AS tailPages,
  h.tail_key AS tailKey`;

export function headOf(r: HeadDbRow): HeadRecord {
  return {
    period: r.period,
    panel: r.panel,
    head: {
      rows: decodeHeadRows(r.rows),
      n: r.n,
      hits: r.hits,
      pages: r.pages,
      bytes: r.bytes,
      // An empty tail is stored as a bound of no hits and no key.
      tail: r.tailKey === "" ? null : { hits: r.tailHits, pages: r.tailPages, key: r.tailKey },
    },
  };
}

export const headRecords = (rows: unknown[]): HeadRecord[] => (rows as HeadDbRow[]).map(headOf);

// CROSS JOIN pins json_each as the outer loop (SQLite keeps that order), so each key is one
// primary-key lookup; a plain JOIN may let the planner scan the table once per key.

/** The heads of the given [period, panel] pairs. */
export function readHeads(
  db: D1Database,
  siteId: number,
  keys: [string, string][],
): D1PreparedStatement {
  return db
    .prepare(`SELECT ${HEAD_COLUMNS} FROM json_each(?2) AS j CROSS JOIN panel_heads AS h
      ON h.site_id = ?1 AND h.period = j.value ->> 0 AND h.panel = j.value ->> 1`)
    .bind(siteId, JSON.stringify(keys));
}

/** Every head of a period (a month page, or a year's). */
export function readPeriodHeads(
  db: D1Database,
  siteId: number,
  period: string,
): D1PreparedStatement {
  return db
    .prepare(`SELECT ${HEAD_COLUMNS} FROM panel_heads AS h WHERE h.site_id = ?1 AND h.period = ?2`)
    .bind(siteId, period);
}

const TAIL_COLUMNS = `t.period AS period, t.panel AS panel, t.key AS key, t.hits AS hits,
  t.pages AS pages, t.bytes AS bytes, t.max AS max, t.changed_run AS changedRun,
  t.hits_before AS hitsBefore`;

export type TailDbRow = StoredRow & { period: string; panel: string };

const GROUP_CHARS = 100_000;

/** The tail rows of the given [period, panel, key] triples (keys in a head have none). */
export function readTails(
  db: D1Database,
  siteId: number,
  keys: [string, string, string][],
): D1PreparedStatement[] {
  // Grouped by period and panel ([period, panel, [keys]]): each key travels alone. A group holds
  // keys of at most GROUP_CHARS characters in all, so that slices stay small enough to bind
  // (see jsonSlices).
  const groups: [string, string, string[]][] = [];
  const open = new Map<string, { g: [string, string, string[]]; chars: number }>();
  for (const [period, panel, key] of keys) {
    const id = `${period}\t${panel}`;
    let o = open.get(id);
    if (o === undefined || o.chars + key.length > GROUP_CHARS) {
      open.set(id, (o = { g: [period, panel, []], chars: 0 }));
      groups.push(o.g);
    }
    o.g[2].push(key);
    o.chars += key.length;
  }
  return jsonSlices(groups).map((json) =>
    db
      .prepare(`SELECT ${TAIL_COLUMNS} FROM json_each(?2) AS g CROSS JOIN json_each(g.value -> 2) AS k
        CROSS JOIN panel_tails AS t
        ON t.site_id = ?1 AND t.period = g.value ->> 0 AND t.panel = g.value ->> 1 AND t.key = k.value`)
      .bind(siteId, json),
  );
}

/** A panel's tail rows in report order, `limit` from `offset` (a panel page past the head). */
export function readTailPage(
  db: D1Database,
  siteId: number,
  period: string,
  panel: string,
  limit: number,
  offset: number,
): D1PreparedStatement {
  return db
    .prepare(`SELECT ${TAIL_COLUMNS} FROM panel_tails AS t
      WHERE t.site_id = ?1 AND t.period = ?2 AND t.panel = ?3 AND t.hits > 0
      ORDER BY t.hits DESC, t.pages DESC, t.key LIMIT ?4 OFFSET ?5`)
    .bind(siteId, period, panel, limit, offset);
}

/** Heads replace the stored ones. */
export function writeHeads(
  db: D1Database,
  siteId: number,
  heads: HeadRecord[],
): D1PreparedStatement[] {
  const rows = heads.map(({ period, panel, head: h }) => [
    period,
    panel,
    encodeHeadRows(h.rows),
    h.n,
    h.hits,
    h.pages,
    h.bytes,
    h.tail?.hits ?? 0,
    h.tail?.pages ?? 0,
    h.tail?.key ?? "",
  ]);
  return jsonSlices(rows).map((json) =>
    db
      .prepare(`INSERT INTO panel_heads (site_id, period, panel, rows, n, hits, pages, bytes, tail_hits, tail_pages, tail_key)
        SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
          j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9
        FROM json_each(?2) AS j WHERE true
        ON CONFLICT (site_id, period, panel) DO UPDATE SET rows = excluded.rows, n = excluded.n,
          hits = excluded.hits, pages = excluded.pages, bytes = excluded.bytes,
          tail_hits = excluded.tail_hits, tail_pages = excluded.tail_pages, tail_key = excluded.tail_key`)
      .bind(siteId, json),
  );
}
// "WHERE true" above: SQLite needs a WHERE before ON CONFLICT when the rows come from a SELECT
// (without it the parser takes ON CONFLICT for a join constraint).

/** Tail rows replace the stored ones (whole values, not deltas). */
export function writeTails(
  db: D1Database,
  siteId: number,
  rows: TailDbRow[],
): D1PreparedStatement[] {
  const data = rows.map((r) => [
    r.period,
    r.panel,
    r.key,
    r.hits,
    r.pages,
    r.bytes,
    r.max,
    r.changedRun,
    r.hitsBefore,
  ]);
  return jsonSlices(data).map((json) =>
    db
      .prepare(`INSERT INTO panel_tails (site_id, period, panel, key, hits, pages, bytes, max, changed_run, hits_before)
        SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
          j.value ->> 6, j.value ->> 7, j.value ->> 8
        FROM json_each(?2) AS j WHERE true
        ON CONFLICT (site_id, period, panel, key) DO UPDATE SET hits = excluded.hits,
          pages = excluded.pages, bytes = excluded.bytes, max = excluded.max,
          changed_run = excluded.changed_run, hits_before = excluded.hits_before`)
      .bind(siteId, json),
  );
}

export function deleteTails(
  db: D1Database,
  siteId: number,
  keys: [string, string, string][],
): D1PreparedStatement[] {
  return jsonSlices(keys).map((json) =>
    db
      .prepare(`DELETE FROM panel_tails WHERE site_id = ?1 AND (period, panel, key) IN
        (SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j)`)
      .bind(siteId, json),
  );
}
