/**
 * Everything a month page shows, in ONE D1 batch of 7 statements (with the site lookup before it,
 * 8 queries a page, whatever the log size): the month and its last run, the days, the hours, the
 * top rows of every panel with each panel's totals, the year's months, the watched hits and the
 * last run's rejected samples.
 */

export interface MonthHead {
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
  rejected: number;
  lines: number;
  analysisMs: number;
  lastRunId: number | null;
  runStartedAt: number | null;
  runEndedAt: number | null;
  runLines: number | null;
  runRejected: number | null;
  runAnalysisMs: number | null;
  runChunks: number | null;
  /** The site's first and last day with data, its last applied chunk, and the year's figures computed over visitor-months and days. */
  firstDate: string | null;
  lastDate: string | null;
  lastUpdate: number | null;
  yearVisitors: number;
  yearDays: number;
  /** The site's months just before and after this one, for navigation. */
  prevMonth: string | null;
  nextMonth: string | null;
  /** 1 when the month has a row. */
  present: number;
}

export interface DayRow {
  date: string;
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
}
export interface HourRow {
  hour: number;
  hits: number;
  pages: number;
  bytes: number;
  robotHits: number;
  visitors: number;
  visits: number;
}
export interface MonthRow {
  month: string;
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
  rejected: number;
  lines: number;
}

/** A stored panel row with its panel's totals (window aggregates) and, for feed hosts, the host name. */
export interface PanelDbRow {
  panel: string;
  key: string;
  hits: number;
  pages: number;
  bytes: number;
  max: number;
  changedRun: number | null;
  hitsBefore: number;
  n: number;
  sumHits: number;
  sumPages: number;
  sumBytes: number;
  hostName: string | null;
}

export interface WatchedRow {
  at: string;
  address: string;
  agent: string;
  method: string;
  url: string;
  status: number;
  bytes: number;
  referer: string;
}
export interface SampleRow {
  source: string;
  line: number;
  reason: string;
  text: string;
}

export interface MonthReportRows {
  head: MonthHead;
  days: DayRow[];
  hours: HourRow[];
  panels: PanelDbRow[];
  yearMonths: MonthRow[];
  watched: WatchedRow[];
  samples: SampleRow[];
  /** SQL time of the batch as D1 reports it (meta.duration summed), for a Server-Timing header. */
  sqlMs: number;
}

export const MONTH_COLUMNS =
  "month, hits, pages, bytes, visits, visitors, robot_hits AS robotHits, rejected, lines";

export async function getMonthReport(
  db: D1Database,
  siteId: number,
  month: string,
  opts: { top: number; watched: number; samples: number },
): Promise<MonthReportRows> {
  const year = month.slice(0, 4);
  const results = await db.batch([
    db
      .prepare(`
      SELECT m.hits AS hits, m.pages AS pages, m.bytes AS bytes, m.visits AS visits, m.visitors AS visitors,
        m.robot_hits AS robotHits, m.rejected AS rejected, m.lines AS lines, m.analysis_ms AS analysisMs,
        m.last_run_id AS lastRunId, m.month IS NOT NULL AS present,
        r.started_at AS runStartedAt, r.ended_at AS runEndedAt, r.lines AS runLines, r.rejected AS runRejected,
        r.analysis_ms AS runAnalysisMs, r.chunks AS runChunks,
        (SELECT MIN(date) FROM days WHERE site_id = ?1) AS firstDate,
        (SELECT MAX(date) FROM days WHERE site_id = ?1) AS lastDate,
        (SELECT MAX(applied_at) FROM chunks WHERE site_id = ?1) AS lastUpdate,
        (SELECT COUNT(DISTINCT visitor) FROM visitor_months WHERE site_id = ?1 AND month >= ?3 AND month <= ?4 AND human_days > 0) AS yearVisitors,
        (SELECT COUNT(*) FROM days WHERE site_id = ?1 AND date >= ?3 AND date < ?5) AS yearDays,
        (SELECT MAX(month) FROM months WHERE site_id = ?1 AND month < ?2) AS prevMonth,
        (SELECT MIN(month) FROM months WHERE site_id = ?1 AND month > ?2) AS nextMonth
      FROM (SELECT 1) AS one
      LEFT JOIN months AS m ON m.site_id = ?1 AND m.month = ?2
      LEFT JOIN runs AS r ON m.last_run_id > 0 AND r.id = m.last_run_id AND r.site_id = ?1`)
      .bind(siteId, month, `${year}-01`, `${year}-12`, `${year}-12-32`),
    db
      .prepare(`SELECT date, hits, pages, bytes, visits, visitors, robot_hits AS robotHits FROM days
      WHERE site_id = ?1 AND date >= ?2 AND date < ?3 ORDER BY date`)
      .bind(siteId, `${month}-01`, `${month}-32`),
    db
      .prepare(`SELECT hour, hits, pages, bytes, robot_hits AS robotHits, visitors, visits FROM hours
      WHERE site_id = ?1 AND month = ?2 ORDER BY hour`)
      .bind(siteId, month),
    db
      .prepare(`
      SELECT p.panel AS panel, p.key AS key, p.hits AS hits, p.pages AS pages, p.bytes AS bytes, p.max AS max,
        p.changed_run AS changedRun, p.hits_before AS hitsBefore, p.n AS n, p.sumHits AS sumHits, p.sumPages AS sumPages,
        p.sumBytes AS sumBytes, h.name AS hostName
      FROM (
        SELECT panel, key, hits, pages, bytes, max, changed_run, hits_before,
          ROW_NUMBER() OVER (PARTITION BY panel ORDER BY hits DESC, pages DESC, key) AS rn,
          COUNT(*) OVER byPanel AS n, SUM(hits) OVER byPanel AS sumHits, SUM(pages) OVER byPanel AS sumPages,
          SUM(bytes) OVER byPanel AS sumBytes
        FROM panel_rows WHERE site_id = ?1 AND month = ?2 AND hits > 0
        WINDOW byPanel AS (PARTITION BY panel)
      ) AS p
      LEFT JOIN host_names AS h ON p.panel = 'feed-hosts' AND h.site_id = ?1 AND h.address = p.key
      WHERE p.rn <= ?3 ORDER BY p.panel, p.rn`)
      .bind(siteId, month, opts.top),
    db
      .prepare(
        `SELECT ${MONTH_COLUMNS} FROM months WHERE site_id = ?1 AND month >= ?2 AND month <= ?3 ORDER BY month`,
      )
      .bind(siteId, `${year}-01`, `${year}-12`),
    db
      .prepare(`SELECT at, address, agent, method, url, status, bytes, referer FROM watched_hits
      WHERE site_id = ?1 AND month = ?2 ORDER BY address, agent, at LIMIT ?3`)
      .bind(siteId, month, opts.watched),
    db
      .prepare(`SELECT s.source AS source, s.line AS line, s.reason AS reason, s.text AS text
      FROM months AS m JOIN runs AS r ON r.id = m.last_run_id AND r.site_id = ?1
      JOIN rejected_samples AS s ON s.run_id = r.id
      WHERE m.site_id = ?1 AND m.month = ?2 AND m.last_run_id > 0 ORDER BY s.source, s.line LIMIT ?3`)
      .bind(siteId, month, opts.samples),
  ]);
  return {
    head: results[0].results[0] as MonthHead,
    days: results[1].results as DayRow[],
    hours: results[2].results as HourRow[],
    panels: results[3].results as PanelDbRow[],
    yearMonths: results[4].results as MonthRow[],
    watched: results[5].results as WatchedRow[],
    samples: results[6].results as SampleRow[],
    sqlMs: results.reduce((t, r) => t + (r.meta?.duration ?? 0), 0),
  };
}
