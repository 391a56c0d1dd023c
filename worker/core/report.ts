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

/**
 * A month's visitor-day figures as they are summed: a robot visitor-day adds its hits and bytes;
 * a human one its hits, bytes, pages, hours and itself as a visitor, then each of its visits and
 * the entry page of each that viewed one.
 */
export class MonthTally {
  readonly days = new Map<string, DayFigures>();
  /** Human visitors, by any value that tells them apart (their key, or a number). */
  readonly humans = new Set<unknown>();
  readonly entry: Record<string, Row> = {};
  readonly robotReasons: Record<string, number> = {};
  readonly hourVisitors = new Array<number>(24).fill(0);
  readonly hourVisits = new Array<number>(24).fill(0);
  hits = 0;
  pages = 0;
  bytes = 0;
  visits = 0;
  robotHits = 0;
  private d: DayFigures | undefined;

  /** The day figures of `date`: visitor-days come grouped by day, so it is looked up only when it changes. */
  private day(date: string): DayFigures {
    if (this.d !== undefined && this.d.date === date) return this.d;
    let d = this.days.get(date);
    if (d === undefined) {
      d = { date, hits: 0, pages: 0, bytes: 0, visits: 0, visitors: 0, robotHits: 0 };
      this.days.set(date, d);
    }
    return (this.d = d);
  }

  robot(date: string, hits: number, bytes: number, reason: string): void {
    const d = this.day(date);
    d.hits += hits;
    d.bytes += bytes;
    d.robotHits += hits;
    this.hits += hits;
    this.bytes += bytes;
    this.robotHits += hits;
    this.robotReasons[reason] = (this.robotReasons[reason] ?? 0) + 1;
  }

  human(
    date: string,
    visitor: unknown,
    hits: number,
    bytes: number,
    pages: number,
    hours: number,
  ): void {
    const d = this.day(date);
    d.hits += hits;
    d.bytes += bytes;
    d.pages += pages;
    d.visitors++;
    this.hits += hits;
    this.bytes += bytes;
    this.pages += pages;
    this.humans.add(visitor);
    for (let b = hours; b !== 0; b &= b - 1) this.hourVisitors[31 - Math.clz32(b & -b)]++;
  }

  /** A visit of the last human visitor-day, by its start hour. */
  visit(startHour: number): void {
    this.d!.visits++;
    this.visits++;
    this.hourVisits[startHour]++;
  }

  /** The entry page of a visit (one that viewed a page). */
  entryPage(path: string): void {
    const r = (this.entry[path] ??= [0, 0, 0, 0]);
    r[0]++;
    r[1]++;
  }
}

/** A source of visitor-days that sums itself into a tally faster than its records would. */
export interface Tallies {
  tallyInto(tally: MonthTally, rules: RobotRules): boolean;
}

/**
 * Derives a month's report from its merged partial. Pure and deterministic. Visitor-days that can
 * sum themselves (an analysis's own, see Tallies) do; others are read as records, one
 * contribution each: the two ways give the same report (the chunking tests compare them).
 */
export function monthReport(month: string, m: MonthPartial, rules: RobotRules): MonthReport {
  const t = new MonthTally();
  const vd = m.visitorDays as Partial<Tallies>;
  if (vd.tallyInto === undefined || !vd.tallyInto(t, rules)) {
    for (const [key, v] of m.visitorDays) {
      const c = contribution(v, rules);
      const date = key.slice(0, 10);
      if (c.robot !== null) {
        t.robot(date, c.hits, c.bytes, c.robot);
        continue;
      }
      t.human(date, key.slice(11), c.hits, c.bytes, c.pages, c.hours);
      for (const h of c.visitHours) t.visit(h);
      for (const e of c.entries) t.entryPage(e);
    }
  }
  const panels = {} as Record<PanelId, PanelRow[]>;
  for (const id of ADDITIVE_PANELS) panels[id] = rowsOf(m.panels[id] ?? {});
  panels.entry = rowsOf(t.entry);
  const hours: HourFigures[] = [];
  for (let h = 0; h < 24; h++) {
    const at = h * 4;
    hours.push({
      hour: h,
      hits: m.hours[at],
      pages: m.hours[at + 1],
      bytes: m.hours[at + 2],
      robotHits: m.hours[at + 3],
      visitors: t.hourVisitors[h],
      visits: t.hourVisits[h],
    });
  }
  return {
    month,
    hits: t.hits,
    pages: t.pages,
    bytes: t.bytes,
    visits: t.visits,
    visitors: t.humans.size,
    robotHits: t.robotHits,
    rejected: m.rejected,
    days: [...t.days.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
    hours,
    panels,
    robotReasons: t.robotReasons,
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
