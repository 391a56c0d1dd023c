/** A chunk's change to a day's figures. */
export interface DayDelta {
  date: string;
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
}

export function addDays(db: D1Database, siteId: number, rows: DayDelta[]): D1PreparedStatement {
  const data = rows.map((d) => [
    d.date,
    d.hits,
    d.pages,
    d.bytes,
    d.visits,
    d.visitors,
    d.robotHits,
  ]);
  return db
    .prepare(`
    INSERT INTO days (site_id, date, hits, pages, bytes, visits, visitors, robot_hits)
    SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
    FROM json_each(?2) AS j WHERE true
    ON CONFLICT (site_id, date) DO UPDATE SET
      hits = days.hits + excluded.hits, pages = days.pages + excluded.pages, bytes = days.bytes + excluded.bytes,
      visits = days.visits + excluded.visits, visitors = days.visitors + excluded.visitors, robot_hits = days.robot_hits + excluded.robot_hits`)
    .bind(siteId, JSON.stringify(data));
}

/** Which of the given days already have a row. */
export function readExistingDays(
  db: D1Database,
  siteId: number,
  dates: string[],
): D1PreparedStatement {
  return db
    .prepare(`SELECT d.date AS date FROM json_each(?2) AS j CROSS JOIN days AS d
      ON d.site_id = ?1 AND d.date = j.value`)
    .bind(siteId, JSON.stringify(dates));
}
