/**
 * The report figures as JSON-ready values, built from the rows the report queries return. The
 * HTML pages render these same objects, so a page and its JSON route can never disagree.
 */
import type { ShownPanelId } from "../core/panels";
import { SHOWN_PANELS } from "../core/panels";
import { weekdaysOf } from "../core/report";
import type {
  Behaviour,
  DayRow,
  HourRow,
  MonthReportRows,
  MonthRow,
  PanelDbRow,
  SampleRow,
  WatchedRow,
} from "../db/queries/get-month-report";
import type { PanelPageRows } from "../db/queries/get-panel-page";
import type { VhostDay } from "../db/queries/vhost-days";
import type { SiteIndexRows } from "../db/queries/get-site-index";
import type { YearReportRows } from "../db/queries/get-year-report";

export interface Totals {
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
}

export interface PanelRowJson {
  key: string;
  hits: number;
  pages: number;
  bytes: number;
  max: number;
  /** Changed by the month's last analysis run: `new` (absent before it) and the hits it added. Null otherwise. */
  change: { new: boolean; delta: number } | null;
  /** feed-hosts only: the address's reverse-DNS name, when resolved. */
  hostName?: string | null;
}

/**
 * A panel's totals over every row, not only those listed. `behaviourRobotHits` and `…Pages`: hits
 * and page views in the panel from visitors found to be robots by their behaviour, not their user
 * agent (a per-line panel cannot drop them: see docs/figures.md), so that `hits −
 * behaviourRobotHits` is the people's part — for the panels keyed by what a visitor is (browsers,
 * countries, hosts…) exactly the month's `hits − robotHits`. 0 for the panels that already leave
 * them out (pages, entry and exit pages, durations), null where they are not counted apart.
 */
export interface PanelTotal {
  rows: number;
  hits: number;
  pages: number;
  bytes: number;
  behaviourRobotHits: number | null;
  behaviourRobotPages: number | null;
}

export interface PanelJson {
  id: ShownPanelId;
  title: string;
  total: PanelTotal;
  rows: PanelRowJson[];
}

export interface YearSummaryJson extends Totals {
  year: string;
  /** Days with data. */
  days: number;
  rejected: number;
  months: MonthRow[];
}

export interface MonthJson extends Totals {
  site: string;
  month: string;
  /** false when nothing was ever stored for this month (every figure is then zero). */
  hasData: boolean;
  rejected: number;
  lines: number;
  /** Sum of the analysis time of the chunks that fed this month. */
  analysisMs: number;
  /** Unix time of the site's last applied chunk. */
  lastUpdate: number | null;
  lastRun: {
    startedAt: number;
    endedAt: number | null;
    chunks: number;
    lines: number;
    rejected: number;
    analysisMs: number;
  } | null;
  /** The site's months before and after this one that have data. */
  prevMonth: string | null;
  nextMonth: string | null;
  /** Dates of the month with no data at all, from the site's first day with data up to yesterday. */
  gaps: string[];
  /** Filtered by virtual host: the host's hits, pages and bytes, and null for what is not split. */
  days: MonthDayJson[];
  hours: HourRow[];
  panels: Record<ShownPanelId, PanelJson>;
  watched: WatchedRow[];
  rejectedSamples: SampleRow[];
  year: YearSummaryJson;
  /**
   * `?vhost=`: the virtual host the month is filtered by (lowercased, without its port), and
   * what is that host's — `hits`, `pages` (page views of agents that are not robots: see the
   * vhosts panel), `bytes` and the same in `days[]`; every other figure is the whole site's.
   * Null when the month is not filtered.
   */
  vhost: { name: string; split: VhostSplit[] } | null;
}

/** A day of the month; filtered by virtual host, what is not split by host is null. */
export type MonthDayJson = Omit<DayRow, "visits" | "visitors" | "robotHits"> & {
  visits: number | null;
  visitors: number | null;
  robotHits: number | null;
};

export const VHOST_SPLIT = ["hits", "pages", "bytes", "days"] as const;
type VhostSplit = (typeof VHOST_SPLIT)[number];

export const PANEL_TITLES = Object.fromEntries(SHOWN_PANELS.map((p) => [p.id, p.title])) as Record<
  ShownPanelId,
  string
>;
export const isPanelId = (s: string): s is ShownPanelId => Object.hasOwn(PANEL_TITLES, s);

function rowJson(r: PanelDbRow, lastRunId: number | null): PanelRowJson {
  const changed = lastRunId !== null && lastRunId > 0 && r.changedRun === lastRunId;
  const out: PanelRowJson = {
    key: r.key,
    hits: r.hits,
    pages: r.pages,
    bytes: r.bytes,
    max: r.max,
    change: changed ? { new: r.hitsBefore === 0, delta: r.hits - r.hitsBefore } : null,
  };
  if (r.panel === "feed-hosts") out.hostName = r.hostName;
  return out;
}

const emptyPanel = (id: ShownPanelId, b: Behaviour): PanelJson => ({
  id,
  title: PANEL_TITLES[id],
  total: { rows: 0, hits: 0, pages: 0, bytes: 0, ...behaviourOf(id, b) },
  rows: [],
});

/** Panels keyed by what a visitor is: every hit of a person or a robot by behaviour is in one row. */
const PER_VISITOR: ShownPanelId[] = [
  "browsers",
  "browser-versions",
  "os",
  "devices",
  "countries",
  "hosts",
  "ip-versions",
  "origins",
];
/** Panels made of people's visitor-days only. */
const DERIVED: ShownPanelId[] = ["pages", "entry", "exit", "visit-durations", "weekdays"];

function behaviourOf(
  id: ShownPanelId,
  b: Behaviour,
): { behaviourRobotHits: number | null; behaviourRobotPages: number | null } {
  const n = (x: number | null) => x ?? 0;
  if (PER_VISITOR.includes(id))
    return { behaviourRobotHits: n(b.behaviourHits), behaviourRobotPages: n(b.behaviourPages) };
  if (DERIVED.includes(id)) return { behaviourRobotHits: 0, behaviourRobotPages: 0 };
  // Every hit, and the page views of agents not robots: those of robots by behaviour among them.
  if (id === "vhosts")
    return { behaviourRobotHits: null, behaviourRobotPages: n(b.behaviourPages) };
  const hits =
    id === "referers" || id === "referring-sites"
      ? b.behaviourRefHits
      : id === "search-engines" || id === "keywords"
        ? b.behaviourSearchHits
        : id === "image-search"
          ? b.behaviourImageHits
          : id === "downloads"
            ? b.behaviourDownloadHits
            : undefined;
  return hits === undefined
    ? { behaviourRobotHits: null, behaviourRobotPages: null }
    : { behaviourRobotHits: n(hits), behaviourRobotPages: null };
}

/** Today's date (UTC): days from it on are not over yet, so never gaps. */
const today = () => new Date().toISOString().slice(0, 10);

export function gapsOf(
  month: string,
  days: { date: string }[],
  firstDate: string | null,
  now = today(),
): string[] {
  if (firstDate === null) return [];
  const have = new Set(days.map((d) => d.date));
  const n = new Date(
    Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0),
  ).getUTCDate();
  const out: string[] = [];
  for (let d = 1; d <= n; d++) {
    const date = `${month}-${String(d).padStart(2, "0")}`;
    if (date >= firstDate && date < now && !have.has(date)) out.push(date);
  }
  return out;
}

export function hoursOf(rows: HourRow[]): HourRow[] {
  const out: HourRow[] = [];
  for (let h = 0; h < 24; h++)
    out.push({ hour: h, hits: 0, pages: 0, bytes: 0, robotHits: 0, visitors: 0, visits: 0 });
  for (const r of rows) out[r.hour] = { ...r };
  return out;
}

function sumMonths(months: MonthRow[]): Totals & { rejected: number } {
  const t = { hits: 0, pages: 0, bytes: 0, visits: 0, visitors: 0, robotHits: 0, rejected: 0 };
  for (const m of months) {
    t.hits += m.hits;
    t.pages += m.pages;
    t.bytes += m.bytes;
    t.visits += m.visits;
    t.robotHits += m.robotHits;
    t.rejected += m.rejected;
  }
  return t;
}

export function monthJson(site: string, month: string, r: MonthReportRows): MonthJson {
  const h = r.head;
  const panels = {} as Record<ShownPanelId, PanelJson>;
  for (const p of SHOWN_PANELS) panels[p.id] = emptyPanel(p.id, h);
  for (const row of r.panels) {
    if (!isPanelId(row.panel)) continue;
    const p = panels[row.panel];
    p.total = {
      ...p.total,
      rows: row.n,
      hits: row.sumHits,
      pages: row.sumPages,
      bytes: row.sumBytes,
    };
    p.rows.push(rowJson(row, h.lastRunId));
  }
  // The days of the week are the month's days, averaged (see weekdaysOf).
  const weekdays = weekdaysOf(r.days);
  panels.weekdays.rows = weekdays.slice(0, r.top).map((w) => ({ ...w, change: null }));
  panels.weekdays.total = {
    ...panels.weekdays.total,
    rows: weekdays.length,
    hits: r.days.reduce((n, d) => n + d.hits, 0),
    pages: r.days.reduce((n, d) => n + d.pages, 0),
    bytes: r.days.reduce((n, d) => n + d.bytes, 0),
  };
  const year = month.slice(0, 4);
  const host = r.vhost === null ? null : vhostFigures(r.days, r.vhost.days);
  return {
    site,
    month,
    hasData: h.present === 1,
    hits: host?.hits ?? h.hits ?? 0,
    pages: host?.pages ?? h.pages ?? 0,
    bytes: host?.bytes ?? h.bytes ?? 0,
    visits: h.visits ?? 0,
    visitors: h.visitors ?? 0,
    robotHits: h.robotHits ?? 0,
    rejected: h.rejected ?? 0,
    lines: h.lines ?? 0,
    analysisMs: h.analysisMs ?? 0,
    lastUpdate: h.lastUpdate,
    lastRun:
      h.runStartedAt === null
        ? null
        : {
            startedAt: h.runStartedAt,
            endedAt: h.runEndedAt,
            chunks: h.runChunks ?? 0,
            lines: h.runLines ?? 0,
            rejected: h.runRejected ?? 0,
            analysisMs: h.runAnalysisMs ?? 0,
          },
    prevMonth: h.prevMonth,
    nextMonth: h.nextMonth,
    gaps: gapsOf(month, r.days, h.firstDate),
    days: host?.days ?? r.days,
    hours: hoursOf(r.hours),
    panels,
    watched: r.watched,
    rejectedSamples: r.samples,
    year: {
      year,
      ...sumMonths(r.yearMonths),
      visitors: h.yearVisitors,
      days: h.yearDays,
      months: r.yearMonths,
    },
    vhost: r.vhost === null ? null : { name: r.vhost.name, split: [...VHOST_SPLIT] },
  };
}

/**
 * A virtual host's month: its days' sums, and the site's days (so that gaps stay the site's)
 * with the host's hits, pages and bytes (0 on a day it had none) and null for the rest.
 */
function vhostFigures(site: DayRow[], host: VhostDay[]) {
  const byDate = new Map(host.map((d) => [d.date, d]));
  const dates = [...new Set([...site.map((d) => d.date), ...byDate.keys()])].sort();
  const days: MonthDayJson[] = dates.map((date) => {
    const d = byDate.get(date);
    return {
      date,
      hits: d?.hits ?? 0,
      pages: d?.pages ?? 0,
      bytes: d?.bytes ?? 0,
      visits: null,
      visitors: null,
      robotHits: null,
    };
  });
  const sum = (k: "hits" | "pages" | "bytes") => host.reduce((n, d) => n + d[k], 0);
  return { days, hits: sum("hits"), pages: sum("pages"), bytes: sum("bytes") };
}

/** `top`: the panel's largest hits and pages, the bars' scale on every page of rows. */
export interface PanelPageJson extends PanelJson {
  month: string;
  limit: number;
  offset: number;
  top: { hits: number; pages: number };
}

export function panelPageJson(
  month: string,
  id: ShownPanelId,
  r: PanelPageRows,
  limit: number,
  offset: number,
): PanelPageJson {
  return {
    id,
    title: PANEL_TITLES[id],
    month,
    limit,
    offset,
    total: {
      rows: r.head.n,
      hits: r.head.sumHits,
      pages: r.head.sumPages,
      bytes: r.head.sumBytes,
      ...behaviourOf(id, r.head),
    },
    top: { hits: r.head.maxHits, pages: r.head.maxPages },
    rows: r.rows.map((row) => rowJson(row, r.head.lastRunId)),
  };
}

export interface YearTotalsJson extends Totals {
  year: string;
  rejected: number;
  /** Days with data, and visits per such day. */
  days: number;
  visitsPerDay: number;
  months: MonthRow[];
}

export interface IndexJson {
  site: string;
  years: YearTotalsJson[];
}

/** Years newest first, each with its months in order and its distinct visitors. */
export function indexJson(site: string, r: SiteIndexRows): IndexJson {
  const byYear = new Map<string, MonthRow[]>();
  for (const m of r.months) {
    const y = m.month.slice(0, 4);
    if (!byYear.has(y)) byYear.set(y, []);
    byYear.get(y)!.push(m);
  }
  const extra = new Map(r.years.map((y) => [y.year, y]));
  const years = [...byYear.entries()].map(([year, months]): YearTotalsJson => {
    const t = sumMonths(months);
    const e = extra.get(year);
    const days = e?.days ?? 0;
    return {
      year,
      ...t,
      visitors: e?.visitors ?? 0,
      days,
      visitsPerDay: days ? round1(t.visits / days) : 0,
      months,
    };
  });
  years.sort((a, b) => (a.year < b.year ? 1 : -1));
  return { site, years };
}

export interface YearJson extends YearTotalsJson {
  site: string;
  /** The year's days with data (for the calendar), and the gaps among them. */
  daily: DayRow[];
  gaps: string[];
  /**
   * `fromImages`: the page's views that came from an image search; `forImages` is true when they
   * are over half of its views (the page is viewed mostly for its images).
   */
  topPages: {
    total: { rows: number; pages: number; maxPages: number };
    offset: number;
    rows: {
      key: string;
      hits: number;
      pages: number;
      bytes: number;
      fromImages: number;
      forImages: boolean;
    }[];
  };
  /** Every year of the site, newest first, to compare with. */
  years: YearTotalsJson[];
}

export function yearJson(site: string, year: string, r: YearReportRows, offset = 0): YearJson {
  const index = indexJson(site, r);
  const self = index.years.find((y) => y.year === year) ?? {
    year,
    hits: 0,
    pages: 0,
    bytes: 0,
    visits: 0,
    visitors: 0,
    robotHits: 0,
    rejected: 0,
    days: 0,
    visitsPerDay: 0,
    months: [],
  };
  const gaps: string[] = [];
  for (let m = 1; m <= 12; m++)
    gaps.push(...gapsOf(`${year}-${String(m).padStart(2, "0")}`, r.days, r.firstDate));
  const top = r.topPages;
  return {
    ...self,
    site,
    daily: r.days,
    gaps,
    topPages: {
      total: {
        rows: top[0]?.n ?? 0,
        pages: top[0]?.sumPages ?? 0,
        maxPages: top[0]?.maxPages ?? 0,
      },
      offset,
      rows: top.map(({ key, hits, pages, bytes, fromImages }) => ({
        key,
        hits,
        pages,
        bytes,
        fromImages,
        forImages: 2 * fromImages > pages,
      })),
    },
    years: index.years,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
