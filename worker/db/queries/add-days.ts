/** Row: [date, hits, pages, bytes, visits, visitors, robotHits] — deltas added to the stored day. */
export type DayDelta = [string, number, number, number, number, number, number];

export function addDays(db: D1Database, siteId: number, rows: DayDelta[]): D1PreparedStatement {
  return db
    .prepare(`
    INSERT INTO days (site_id, date, hits, pages, bytes, visits, visitors, robot_hits)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
    FROM json_each(?2) AS j WHERE true
    ON CONFLICT (site_id, date) DO UPDATE SET
      hits = days.hits + excluded.hits, pages = days.pages + excluded.pages, bytes = days.bytes + excluded.bytes,
      visits = days.visits + excluded.visits, visitors = days.visitors + excluded.visitors, robot_hits = days.robot_hits + excluded.robot_hits`)
    .bind(siteId, JSON.stringify(rows));
}
