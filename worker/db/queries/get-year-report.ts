import type { DayRow } from "./get-month-report";
import type { SiteIndexRows } from "./get-site-index";
import { getSiteIndexStatements } from "./get-site-index";

/** A page of the year: its views, and how many of them came from an image search (`fromImages`). */
export interface YearPageRow {
  key: string;
  hits: number;
  pages: number;
  bytes: number;
  fromImages: number;
  n: number;
  sumPages: number;
  maxPages: number;
}

export interface YearReportRows extends SiteIndexRows {
  days: DayRow[];
  topPages: YearPageRow[];
  /** The site's first day with data (gaps are counted from it). */
  firstDate: string | null;
}

/**
 * A year in review: every month and year of the site (to compare with the previous years), the
 * year's days, and its top pages summed over its months with the year's page total and their views
 * from image searches (`top` rows from `offset`): one batch of 5.
 */
export async function getYearReport(
  db: D1Database,
  siteId: number,
  year: string,
  top: number,
  offset = 0,
): Promise<YearReportRows> {
  const [months, years, days, pages, first] = await db.batch([
    ...getSiteIndexStatements(db, siteId),
    db
      .prepare(`SELECT date, hits, pages, bytes, visits, visitors, robot_hits AS robotHits FROM days
      WHERE site_id = ?1 AND date >= ?2 AND date < ?3 ORDER BY date`)
      .bind(siteId, `${year}-01-01`, `${year}-12-32`),
    db
      .prepare(`
      WITH year_pages AS (
        SELECT key, SUM(hits) AS hits, SUM(pages) AS pages, SUM(bytes) AS bytes,
          COUNT(*) OVER () AS n, SUM(SUM(pages)) OVER () AS sumPages, MAX(SUM(pages)) OVER () AS maxPages
        FROM panel_rows WHERE site_id = ?1 AND panel = 'pages' AND month >= ?2 AND month <= ?3 AND hits > 0
        GROUP BY key ORDER BY pages DESC, hits DESC, key LIMIT ?4 OFFSET ?5
      ), from_images AS (
        SELECT key, SUM(pages) AS fromImages
        FROM panel_rows WHERE site_id = ?1 AND panel = 'image-search' AND month >= ?2 AND month <= ?3 AND pages > 0
        GROUP BY key
      )
      SELECT p.key, p.hits, p.pages, p.bytes, p.n, p.sumPages, p.maxPages, COALESCE(i.fromImages, 0) AS fromImages
      FROM year_pages p LEFT JOIN from_images i ON i.key = p.key
      ORDER BY p.pages DESC, p.hits DESC, p.key`)
      .bind(siteId, `${year}-01`, `${year}-12`, top, offset),
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
