export interface YearFiguresRow {
  year: string;
  visitors: number;
  baseVisitors: number;
  days: number;
}

export function readYearFigures(
  db: D1Database,
  siteId: number,
  years: string[],
): D1PreparedStatement {
  return db
    .prepare(`SELECT y.year AS year, y.visitors AS visitors, y.base_visitors AS baseVisitors, y.days AS days
      FROM json_each(?2) AS j CROSS JOIN year_figures AS y ON y.site_id = ?1 AND y.year = j.value`)
    .bind(siteId, JSON.stringify(years));
}

/** Sets each year's visitors and adds to its days with data. */
export function writeYearFigures(
  db: D1Database,
  siteId: number,
  rows: { year: string; visitors: number; newDays: number }[],
): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO year_figures (site_id, year, visitors, days)
      SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j WHERE true
      ON CONFLICT (site_id, year) DO UPDATE SET visitors = excluded.visitors,
        days = year_figures.days + excluded.days`)
    .bind(siteId, JSON.stringify(rows.map((r) => [r.year, r.visitors, r.newDays])));
}
