import type { DayRow } from "./get-month-report";
import type { SiteIndexRows } from "./get-site-index";
import { getSiteIndexStatements } from "./get-site-index";
import type { TailDbRow } from "./panel-store";
import { headRecords, readHeads, readTailPage, readTails } from "./panel-store";
import { compareRows, trustedRows } from "../../ingest/panel-head";

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
 * year's days, and its top pages from the year's own panels (`top` rows from `offset`): one batch
 * of 5, then one more for the image-search views of the pages listed (and, past the head, the
 * year's tail rows).
 */
export async function getYearReport(
  db: D1Database,
  siteId: number,
  year: string,
  top: number,
  offset = 0,
): Promise<YearReportRows> {
  const [months, years, days, heads, first] = await db.batch([
    ...getSiteIndexStatements(db, siteId),
    db
      .prepare(`SELECT date, hits, pages, bytes, visits, visitors, robot_hits AS robotHits FROM days
      WHERE site_id = ?1 AND date >= ?2 AND date < ?3 ORDER BY date`)
      .bind(siteId, `${year}-01-01`, `${year}-12-32`),
    readHeads(db, siteId, [
      [year, "pages"],
      [year, "image-search"],
    ]),
    db.prepare("SELECT first_date AS firstDate FROM sites WHERE id = ?1").bind(siteId),
  ]);
  const byPanel = new Map(headRecords(heads.results).map((h) => [h.panel, h.head]));
  const pages = byPanel.get("pages");
  const images = byPanel.get("image-search");
  let rows: TailDbRow[] = [];
  const end = offset + top;
  const extra: D1PreparedStatement[] = [];
  if (pages !== undefined && trustedRows(pages) < Math.min(end, pages.n))
    extra.push(readTailPage(db, siteId, year, "pages", end, 0));
  const tailRows = extra.length > 0 ? ((await db.batch(extra))[0].results as TailDbRow[]) : [];
  if (pages !== undefined)
    rows = [...pages.rows, ...tailRows]
      .sort(compareRows)
      .slice(offset, end)
      .map((r) => ({ ...r, period: year, panel: "pages" }));
  // Image-search views of the pages listed: from the year's image-search head, else its tail.
  const fromImages = new Map<string, number>();
  for (const r of images?.rows ?? []) fromImages.set(r.key, r.pages);
  const missing = rows.filter((r) => !fromImages.has(r.key) && images?.tail != null);
  if (missing.length > 0) {
    const found = await db.batch(
      readTails(
        db,
        siteId,
        missing.map((r) => [year, "image-search", r.key]),
      ),
    );
    for (const f of found) for (const t of f.results as TailDbRow[]) fromImages.set(t.key, t.pages);
  }
  const maxPages = Math.max(0, ...(pages?.rows ?? []).map((r) => r.pages), pages?.tail?.pages ?? 0);
  return {
    months: months.results as SiteIndexRows["months"],
    years: years.results as SiteIndexRows["years"],
    days: days.results as DayRow[],
    topPages: rows.map((r) => ({
      key: r.key,
      hits: r.hits,
      pages: r.pages,
      bytes: r.bytes,
      fromImages: fromImages.get(r.key) ?? 0,
      n: pages?.n ?? 0,
      sumPages: pages?.pages ?? 0,
      maxPages,
    })),
    firstDate: (first.results[0] as { firstDate: string | null } | undefined)?.firstDate ?? null,
  };
}
