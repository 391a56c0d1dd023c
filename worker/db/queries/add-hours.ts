/** A chunk's change to one hour of the day, summed over a month. */
export interface HourDelta {
  month: string;
  hour: number;
  hits: number;
  pages: number;
  bytes: number;
  robotHits: number;
  visitors: number;
  visits: number;
}

export function addHours(db: D1Database, siteId: number, rows: HourDelta[]): D1PreparedStatement {
  const data = rows.map((h) => [
    h.month,
    h.hour,
    h.hits,
    h.pages,
    h.bytes,
    h.robotHits,
    h.visitors,
    h.visits,
  ]);
  return db
    .prepare(`
    INSERT INTO hours (site_id, month, hour, hits, pages, bytes, robot_hits, visitors, visits)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7
    FROM json_each(?2) AS j WHERE true
    ON CONFLICT (site_id, month, hour) DO UPDATE SET
      hits = hours.hits + excluded.hits, pages = hours.pages + excluded.pages, bytes = hours.bytes + excluded.bytes,
      robot_hits = hours.robot_hits + excluded.robot_hits, visitors = hours.visitors + excluded.visitors, visits = hours.visits + excluded.visits`)
    .bind(siteId, JSON.stringify(data));
}
