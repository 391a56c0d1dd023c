import type { MonthPartial } from "./partial";
import type { PanelId, PanelRow, Row } from "./panels";
import type { RobotRules } from "./visitor-day";
import { ADDITIVE_PANELS, rowsOf } from "./panels";
import { contribution } from "./contribution";

export interface DayFigures {
  date: string;
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
}

export interface HourFigures {
  hour: number;
  hits: number;
  pages: number;
  bytes: number;
  /** Hits from crawlers known by their user agent. */
  robotHits: number;
  /** Human visitors with a hit in this hour (a visitor may count in several hours). */
  visitors: number;
  /** Human visits that started in this hour. */
  visits: number;
}

/** A month's figures as the reports show them. `pages`, `visits`, `visitors` exclude robots; `hits`, `bytes` count every parsed line. */
export interface MonthReport {
  month: string;
  hits: number;
  pages: number;
  bytes: number;
  visits: number;
  visitors: number;
  robotHits: number;
  rejected: number;
  days: DayFigures[];
  hours: HourFigures[];
  panels: Record<PanelId, PanelRow[]>;
  /** Robot visitor-days by the first rule that caught them. */
  robotReasons: Record<string, number>;
}

/** Derives a month's report from its merged partial. Pure and deterministic. */
export function monthReport(month: string, m: MonthPartial, rules: RobotRules): MonthReport {
  const days = new Map<string, DayFigures>();
  const humans = new Set<string>();
  const entry: Record<string, Row> = {};
  const robotReasons: Record<string, number> = {};
  const hourVisitors = new Array<number>(24).fill(0);
  const hourVisits = new Array<number>(24).fill(0);
  let hits = 0, pages = 0, bytes = 0, visits = 0, robotHits = 0;
  // Visitor-days come grouped by day (an analyzer writes them so): the day is looked up only when it changes.
  let d: DayFigures | undefined;
  for (const [key, v] of m.visitorDays) {
    if (d === undefined || !key.startsWith(d.date)) {
      const date = key.slice(0, 10);
      d = days.get(date);
      if (d === undefined) { d = { date, hits: 0, pages: 0, bytes: 0, visits: 0, visitors: 0, robotHits: 0 }; days.set(date, d); }
    }
    const c = contribution(v, rules);
    d.hits += c.hits;
    d.bytes += c.bytes;
    hits += c.hits;
    bytes += c.bytes;
    if (c.robot !== null) {
      d.robotHits += c.hits;
      robotHits += c.hits;
      robotReasons[c.robot] = (robotReasons[c.robot] ?? 0) + 1;
      continue;
    }
    d.pages += c.pages;
    d.visits += c.visits;
    d.visitors++;
    pages += c.pages;
    visits += c.visits;
    humans.add(key.slice(11));
    for (let b = c.hours; b !== 0; b &= b - 1) hourVisitors[31 - Math.clz32(b & -b)]++;
    for (const h of c.visitHours) hourVisits[h]++;
    for (const e of c.entries) {
      const r = (entry[e] ??= [0, 0, 0, 0]);
      r[0]++;
      r[1]++;
    }
  }
  const panels = {} as Record<PanelId, PanelRow[]>;
  for (const id of ADDITIVE_PANELS) panels[id] = rowsOf(m.panels[id] ?? {});
  panels.entry = rowsOf(entry);
  const hours: HourFigures[] = [];
  for (let h = 0; h < 24; h++) {
    const at = h * 4;
    hours.push({ hour: h, hits: m.hours[at], pages: m.hours[at + 1], bytes: m.hours[at + 2], robotHits: m.hours[at + 3], visitors: hourVisitors[h], visits: hourVisits[h] });
  }
  return {
    month, hits, pages, bytes, visits, visitors: humans.size, robotHits, rejected: m.rejected,
    days: [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
    hours, panels, robotReasons,
  };
}

/**
 * GoAccess's daily unique visitors: distinct (address, agent) per day with at least one hit not
 * answered 4xx, crawlers included. Kept to check our visitor-days against a peer.
 */
export function goaccessDailyVisitors(m: MonthPartial): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, v] of m.visitorDays) {
    if (v.hits > v.errors) out[key.slice(0, 10)] = (out[key.slice(0, 10)] ?? 0) + 1;
  }
  return out;
}
