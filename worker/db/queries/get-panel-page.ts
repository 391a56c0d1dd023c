import type { PanelDbRow } from "./get-month-report";

export interface PanelPageRows {
  /** The month's last run (changes are shown against it) and the panel's totals. */
  head: {
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

/** One panel of a month, a page of rows in report order, with its totals: one batch of 2 statements. */
export async function getPanelPage(
  db: D1Database,
  siteId: number,
  month: string,
  panel: string,
  page: { limit: number; offset: number },
): Promise<PanelPageRows> {
  const [head, rows] = await db.batch([
    db
      .prepare(`
      SELECT (SELECT last_run_id FROM months WHERE site_id = ?1 AND month = ?2) AS lastRunId,
        COUNT(*) AS n, COALESCE(SUM(hits), 0) AS sumHits, COALESCE(SUM(pages), 0) AS sumPages, COALESCE(SUM(bytes), 0) AS sumBytes,
        COALESCE(MAX(hits), 0) AS maxHits, COALESCE(MAX(pages), 0) AS maxPages
      FROM panel_rows WHERE site_id = ?1 AND month = ?2 AND panel = ?3 AND hits > 0`)
      .bind(siteId, month, panel),
    db
      .prepare(`
      SELECT p.panel AS panel, p.key AS key, p.hits AS hits, p.pages AS pages, p.bytes AS bytes, p.max AS max,
        p.changed_run AS changedRun, p.hits_before AS hitsBefore, 0 AS n, 0 AS sumHits, 0 AS sumPages, 0 AS sumBytes,
        h.name AS hostName
      FROM panel_rows AS p
      LEFT JOIN host_names AS h ON p.panel = 'feed-hosts' AND h.site_id = ?1 AND h.address = p.key
      WHERE p.site_id = ?1 AND p.month = ?2 AND p.panel = ?3 AND p.hits > 0
      ORDER BY p.hits DESC, p.pages DESC, p.key LIMIT ?4 OFFSET ?5`)
      .bind(siteId, month, panel, page.limit, page.offset),
  ]);
  return { head: head.results[0] as PanelPageRows["head"], rows: rows.results as PanelDbRow[] };
}
