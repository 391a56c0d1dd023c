/** Row: [month, hits, pages, bytes, visits, visitors, robotHits, rejected, lines, analysisMs] — deltas. */
export type MonthDelta = [
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

export function addMonths(
  db: D1Database,
  siteId: number,
  runId: number,
  rows: MonthDelta[],
): D1PreparedStatement {
  return db
    .prepare(`
    INSERT INTO months (site_id, month, hits, pages, bytes, visits, visitors, robot_hits, rejected, lines, analysis_ms, last_run_id)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
      j.value ->> 7, j.value ->> 8, j.value ->> 9, ?2
    FROM json_each(?3) AS j WHERE true
    ON CONFLICT (site_id, month) DO UPDATE SET
      hits = months.hits + excluded.hits, pages = months.pages + excluded.pages, bytes = months.bytes + excluded.bytes,
      visits = months.visits + excluded.visits, visitors = months.visitors + excluded.visitors,
      robot_hits = months.robot_hits + excluded.robot_hits, rejected = months.rejected + excluded.rejected,
      lines = months.lines + excluded.lines, analysis_ms = months.analysis_ms + excluded.analysis_ms,
      last_run_id = excluded.last_run_id`)
    .bind(siteId, runId, JSON.stringify(rows));
}
