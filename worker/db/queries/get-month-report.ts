/**
 * Everything a month page shows, from precomputed figures, whatever the site's age: one D1 batch
 * of 7 statements (the month with its last run, the site's clock and the year's figures; the days;
 * the hours; every panel's head; the year's months; the watched hits; the last run's rejected
 * samples), 8 when the month is filtered by a virtual host (that host's days past the vhost-days
 * head: a row a day at most), then, only when needed, one more for the feed hosts' names and the
 * tail rows of a panel whose head is not enough (see worker/ingest/panel-head.ts).
 */
import type { PanelHead } from "../../ingest/panel-head";
import { compareRows, trustedRows } from "../../ingest/panel-head";
import type { HeadRecord, TailDbRow } from "./panel-store";
import { headRecords, readPeriodHeads, readTailPage } from "./panel-store";
import type { VhostDay, VhostTailRow } from "./vhost-days";
import { readVhostTail, VHOST_DAYS, vhostDaysOf } from "./vhost-days";

/** A month's figures of robots by behaviour (months.behaviour_*): what they put in the human panels. */
export interface Behaviour {
  behaviourHits: number | null;
  behaviourPages: number | null;
  behaviourRefHits: number | null;
  behaviourSearchHits: number | null;
  behaviourImageHits: number | null;
  behaviourDownloadHits: number | null;
}

export interface MonthHead extends Behaviour {
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
  /** 1 once the month is sealed; hits of days already closed when they arrived. */
  sealed: number | null;
  lateLines: number | null;
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
  /** Rows listed per panel. */
  top: number;
  /** The virtual host the month is filtered by, and its days; null when it is not. */
  vhost: { name: string; days: VhostDay[] } | null;
}

export const MONTH_COLUMNS =
  "month, hits, pages, bytes, visits, visitors, robot_hits AS robotHits, rejected, lines";

export async function getMonthReport(
  db: D1Database,
  siteId: number,
  month: string,
  opts: { top: number; watched: number; samples: number; vhost?: string | null },
): Promise<MonthReportRows> {
  const vhost = opts.vhost ?? null;
  const year = month.slice(0, 4);
  const results = await db.batch([
    db
      .prepare(`
      SELECT m.hits AS hits, m.pages AS pages, m.bytes AS bytes, m.visits AS visits, m.visitors AS visitors,
        m.robot_hits AS robotHits, m.rejected AS rejected, m.lines AS lines, m.analysis_ms AS analysisMs,
        m.last_run_id AS lastRunId, m.month IS NOT NULL AS present, m.sealed AS sealed, m.late_lines AS lateLines,
        m.behaviour_hits AS behaviourHits, m.behaviour_pages AS behaviourPages,
        m.behaviour_ref_hits AS behaviourRefHits, m.behaviour_search_hits AS behaviourSearchHits,
        m.behaviour_image_hits AS behaviourImageHits, m.behaviour_download_hits AS behaviourDownloadHits,
        r.started_at AS runStartedAt, r.ended_at AS runEndedAt, r.lines AS runLines, r.rejected AS runRejected,
        r.analysis_ms AS runAnalysisMs, r.chunks AS runChunks,
        s.first_date AS firstDate, s.clock AS lastDate, s.last_update AS lastUpdate,
        COALESCE(y.visitors, 0) AS yearVisitors, COALESCE(y.days, 0) AS yearDays,
        (SELECT MAX(month) FROM months WHERE site_id = ?1 AND month < ?2) AS prevMonth,
        (SELECT MIN(month) FROM months WHERE site_id = ?1 AND month > ?2) AS nextMonth
      FROM sites AS s
      LEFT JOIN months AS m ON m.site_id = ?1 AND m.month = ?2
      LEFT JOIN runs AS r ON m.last_run_id > 0 AND r.id = m.last_run_id AND r.site_id = ?1
      LEFT JOIN year_figures AS y ON y.site_id = ?1 AND y.year = ?3
      WHERE s.id = ?1`)
      .bind(siteId, month, year),
    db
      .prepare(`SELECT date, hits, pages, bytes, visits, visitors, robot_hits AS robotHits FROM days
      WHERE site_id = ?1 AND date >= ?2 AND date < ?3 ORDER BY date`)
      .bind(siteId, `${month}-01`, `${month}-32`),
    db
      .prepare(`SELECT hour, hits, pages, bytes, robot_hits AS robotHits, visitors, visits FROM hours
      WHERE site_id = ?1 AND month = ?2 ORDER BY hour`)
      .bind(siteId, month),
    readPeriodHeads(db, siteId, month),
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
      .prepare(`SELECT source, line, reason, text FROM rejected_samples
      WHERE site_id = ?1 AND month = ?2 ORDER BY at DESC, source, line LIMIT ?3`)
      .bind(siteId, month, opts.samples),
    ...(vhost === null ? [] : [readVhostTail(db, siteId, month, vhost)]),
  ]);
  // vhost-days is read for the filter only: never listed.
  const heads = headRecords(results[3].results);
  const panels = await topRows(
    db,
    siteId,
    heads.filter((h) => h.panel !== VHOST_DAYS),
    opts.top,
  );
  const vhostHead = heads.find((h) => h.panel === VHOST_DAYS)?.head;
  return {
    head: results[0].results[0] as MonthHead,
    days: results[1].results as DayRow[],
    hours: results[2].results as HourRow[],
    panels,
    yearMonths: results[4].results as MonthRow[],
    watched: results[5].results as WatchedRow[],
    samples: results[6].results as SampleRow[],
    sqlMs: results.reduce((t, r) => t + (r.meta?.duration ?? 0), 0),
    top: opts.top,
    vhost:
      vhost === null
        ? null
        : {
            name: vhost,
            days: vhostDaysOf(vhostHead, results[7].results as VhostTailRow[], vhost),
          },
  };
}

/**
 * The first `top` rows of every panel, in report order, each with its panel's totals: from the
 * heads, plus — in one more batch, only when needed — the tail rows of a panel whose head cannot
 * vouch for its first `top` rows, and the names of the feed hosts listed.
 */
async function topRows(
  db: D1Database,
  siteId: number,
  heads: HeadRecord[],
  top: number,
): Promise<PanelDbRow[]> {
  const extra: D1PreparedStatement[] = [];
  const needTail: HeadRecord[] = [];
  for (const h of heads) {
    if (trustedRows(h.head) < Math.min(top, h.head.n)) {
      needTail.push(h);
      extra.push(readTailPage(db, siteId, h.period, h.panel, top, 0));
    }
  }
  const feeds = heads.find((h) => h.panel === "feed-hosts");
  const feedKeys = feeds ? feeds.head.rows.slice(0, top).map((r) => r.key) : [];
  if (feedKeys.length > 0) extra.push(readHostNames(db, siteId, feedKeys));
  const more = extra.length > 0 ? await db.batch(extra) : [];
  const names = new Map<string, string | null>();
  if (feedKeys.length > 0)
    for (const r of more[more.length - 1].results as { address: string; name: string | null }[])
      names.set(r.address, r.name);
  const out: PanelDbRow[] = [];
  for (const h of heads) {
    const i = needTail.indexOf(h);
    const tail = i < 0 ? [] : (more[i].results as TailDbRow[]);
    for (const r of mergeTop(h.head, tail, top))
      out.push({
        panel: h.panel,
        ...r,
        n: h.head.n,
        sumHits: h.head.hits,
        sumPages: h.head.pages,
        sumBytes: h.head.bytes,
        hostName: h.panel === "feed-hosts" ? (names.get(r.key) ?? null) : null,
      });
  }
  out.sort((a, b) => (a.panel < b.panel ? -1 : a.panel > b.panel ? 1 : 0));
  return out;
}

/** The first `top` rows of head ∪ tail rows (the tail's own first rows), in report order. */
export function mergeTop(head: PanelHead, tail: TailDbRow[], top: number) {
  const rows = tail.length === 0 ? head.rows : [...head.rows, ...tail].sort(compareRows);
  return rows.slice(0, top).map((r) => ({
    key: r.key,
    hits: r.hits,
    pages: r.pages,
    bytes: r.bytes,
    max: r.max,
    changedRun: r.changedRun,
    hitsBefore: r.hitsBefore,
  }));
}

/** Reverse-DNS names of some feed-host addresses. */
export function readHostNames(
  db: D1Database,
  siteId: number,
  addresses: string[],
): D1PreparedStatement {
  return db
    .prepare(`SELECT h.address AS address, h.name AS name FROM json_each(?2) AS j
      CROSS JOIN host_names AS h ON h.site_id = ?1 AND h.address = j.value`)
    .bind(siteId, JSON.stringify(addresses));
}
