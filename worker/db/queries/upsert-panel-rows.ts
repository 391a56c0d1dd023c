import { jsonSlices } from "../json-slices";

/** Row: [month, panel, key, hits, pages, bytes, max]. Adds to stored rows; remembers each row's hits before the run that first touches it. */
export type PanelRowDelta = [string, string, string, number, number, number, number];

export function upsertPanelRows(
  db: D1Database,
  siteId: number,
  runId: number,
  rows: PanelRowDelta[],
): D1PreparedStatement[] {
  return jsonSlices(rows).map((json) =>
    db
      .prepare(`
    INSERT INTO panel_rows (site_id, month, panel, key, hits, pages, bytes, max, changed_run, hits_before)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, ?2, 0
    FROM json_each(?3) AS j WHERE true
    ON CONFLICT (site_id, month, panel, key) DO UPDATE SET
      hits_before = CASE WHEN panel_rows.changed_run IS excluded.changed_run THEN panel_rows.hits_before ELSE panel_rows.hits END,
      changed_run = excluded.changed_run,
      hits = panel_rows.hits + excluded.hits,
      pages = panel_rows.pages + excluded.pages,
      bytes = panel_rows.bytes + excluded.bytes,
      max = MAX(panel_rows.max, excluded.max)`)
      .bind(siteId, runId, json),
  );
}

/** Entry-page rows can fall to zero when a visit's entry moves to an earlier page: drop them. */
export function deleteEmptyPanelRows(db: D1Database, siteId: number): D1PreparedStatement {
  return db
    .prepare("DELETE FROM panel_rows WHERE site_id = ?1 AND panel = 'entry' AND hits <= 0")
    .bind(siteId);
}
