import type { DayRow } from "./get-month-report";
import type { SiteIndexRows } from "./get-site-index";
import { getSiteIndexStatements } from "./get-site-index";

export interface YearPageRow { key: string; hits: number; pages: number; bytes: number; n: number; sumPages: number }

export interface YearReportRows extends SiteIndexRows {
  days: DayRow[];
  topPages: YearPageRow[];
  /** The site's first day with data (gaps are counted from it). */
  firstDate: string | null;
}

/**
 * A year in review: every month and year of the site (to compare with the previous years), the
 * year's days, and its top pages summed over its months with the year's page total: one batch of 5.
 */
export async function getYearReport(db: D1Database, siteId: number, year: string, top: number): Promise<YearReportRows> {
  const [months, years, days, pages, first] = await db.batch([
    ...getSiteIndexStatements(db, siteId),
    db.prepare(`SELECT date, hits, pages, bytes, visits, visitors, robot_hits AS robotHits FROM days
      WHERE site_id = ?1 AND date >= ?2 AND date < ?3 ORDER BY date`).bind(siteId, `${year}-01-01`, `${year}-12-32`),
    db.prepare(`
      SELECT key, SUM(hits) AS hits, SUM(pages) AS pages, SUM(bytes) AS bytes,
        COUNT(*) OVER () AS n, SUM(SUM(pages)) OVER () AS sumPages
      FROM panel_rows WHERE site_id = ?1 AND panel = 'pages' AND month >= ?2 AND month <= ?3 AND hits > 0
      GROUP BY key ORDER BY pages DESC, hits DESC, key LIMIT ?4`).bind(siteId, `${year}-01`, `${year}-12`, top),
    db.prepare("SELECT MIN(date) AS firstDate FROM days WHERE site_id = ?1").bind(siteId),
  ]);
  return {
    months: months.results as SiteIndexRows["months"],
    years: years.results as SiteIndexRows["years"],
    days: days.results as DayRow[],
    topPages: pages.results as YearPageRow[],
    firstDate: (first.results[0] as { firstDate: string | null } | undefined)?.firstDate ?? null,
  };
}
