import type { MonthRow } from "./get-month-report";
import { MONTH_COLUMNS } from "./get-month-report";

export interface YearTotalsRow {
  year: string;
  visitors: number;
  days: number;
}

export interface SiteIndexRows {
  months: MonthRow[];
  /** Per year: unique visitors (distinct over its months, never a sum) and days with data. */
  years: YearTotalsRow[];
}

/** The two statements of the index, for a batch that needs them too (the year page). */
export function getSiteIndexStatements(
  db: D1Database,
  siteId: number,
): [D1PreparedStatement, D1PreparedStatement] {
  return [
    db
      .prepare(`SELECT ${MONTH_COLUMNS} FROM months WHERE site_id = ?1 ORDER BY month`)
      .bind(siteId),
    db
      .prepare(
        "SELECT year, visitors, days FROM year_figures WHERE site_id = ?1 AND days > 0 ORDER BY year",
      )
      .bind(siteId),
  ];
}

/** Every month of a site, and each year's unique visitors and days with data: one batch of 2 statements. */
export async function getSiteIndex(db: D1Database, siteId: number): Promise<SiteIndexRows> {
  const [months, years] = await db.batch(getSiteIndexStatements(db, siteId));
  return { months: months.results as MonthRow[], years: years.results as YearTotalsRow[] };
}
