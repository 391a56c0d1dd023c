import type { MonthPartial } from "./partial";
import { keyedBy } from "./partial";
import type { PanelId, PanelRow, Row } from "./panels";
import type { RobotRules, VisitorDay } from "./visitor-day";
import { ADDITIVE_PANELS, rowsOf } from "./panels";
import { addressDayOf, addressReason } from "./visitor-day";
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
  /** Human page views. */
  pages: number;
  bytes: number;
  /** Robots' hits, by user agent or by behaviour. */
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
  /** What robots found by their behaviour (not their user agent) put in the human panels. */
  behaviour: BehaviourTotals;
}

/** Hits of robots by behaviour, as the human panels count them (see Contribution). */
export interface BehaviourTotals {
  hits: number;
  pages: number;
  refHits: number;
  searchHits: number;
  imageHits: number;
  downloadHits: number;
}

export const noBehaviour = (): BehaviourTotals => ({
  hits: 0,
  pages: 0,
  refHits: 0,
  searchHits: 0,
  imageHits: 0,
  downloadHits: 0,
});

/**
 * A month's visitor-day figures as they are summed: a robot visitor-day adds its hits and bytes;
 * a human one its hits, bytes, pages, hours and itself as a visitor, then each of its visits and
 * the entry page of each that viewed one.
 */
export class MonthTally {
  readonly days = new Map<string, DayFigures>();
  /** Human visitors, by any value that tells them apart (their key, or a number). */
  readonly humans = new Set<unknown>();
  readonly pageViews = keyedBy<Row>();
  readonly entry = keyedBy<Row>();
  readonly exit = keyedBy<Row>();
  readonly durations = keyedBy<Row>();
  readonly robotReasons = keyedBy<number>();
  readonly hourVisitors = new Array<number>(24).fill(0);
  readonly hourVisits = new Array<number>(24).fill(0);
  /** Human page views, and robots-by-behaviour hits, by hour. */
  readonly hourPages = new Array<number>(24).fill(0);
  readonly hourBehaviourHits = new Array<number>(24).fill(0);
  readonly behaviour = noBehaviour();
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

  /**
   * A robot visitor-day; `behaviour` (for a robot by behaviour, not by user agent) carries what
   * its hits put in the human panels, and its hits by hour ([hour, hits, pages, …]).
   */
  robot(
    date: string,
    hits: number,
    bytes: number,
    reason: string,
    behaviour: (Omit<BehaviourTotals, "hits"> & { hourly: number[] }) | null,
  ): void {
    const d = this.day(date);
    d.hits += hits;
    d.bytes += bytes;
    d.robotHits += hits;
    this.hits += hits;
    this.bytes += bytes;
    this.robotHits += hits;
    this.robotReasons[reason] = (this.robotReasons[reason] ?? 0) + 1;
    if (behaviour === null) return;
    const b = this.behaviour;
    b.hits += hits;
    b.pages += behaviour.pages;
    b.refHits += behaviour.refHits;
    b.searchHits += behaviour.searchHits;
    b.imageHits += behaviour.imageHits;
    b.downloadHits += behaviour.downloadHits;
    const h = behaviour.hourly;
    for (let i = 0; i < h.length; i += 3) this.hourBehaviourHits[h[i]] += h[i + 1];
  }

  /**
   * A human visitor-day, `hours` the bits of the hours it was seen in; its page views by hour and
   * by path follow (hourPages, pageView).
   */
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

  /** `n` views of `path` (`bytes` in all) by the last human visitor-day. */
  pageView(path: string, n: number, bytes: number): void {
    const r = (this.pageViews[path] ??= [0, 0, 0, 0]);
    r[0] += n;
    r[1] += n;
    r[2] += bytes;
  }

  /** A visit of the last human visitor-day: its start hour, duration bucket, entry and exit pages. */
  visit(startHour: number, duration: string, entry: string | null, exit: string | null): void {
    this.d!.visits++;
    this.visits++;
    this.hourVisits[startHour]++;
    count(this.durations, duration);
    if (entry !== null) count(this.entry, entry);
    if (exit !== null) count(this.exit, exit);
  }
}

function count(panel: Record<string, Row>, key: string): void {
  const r = (panel[key] ??= [0, 0, 0, 0]);
  r[0]++;
  r[1]++;
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
    const byAddress = addressReasons(m.visitorDays, rules);
    for (const [key, v] of m.visitorDays) {
      const date = key.slice(0, 10);
      const c = contribution(v, rules, byAddress.get(`${date} ${v.addr}`) ?? null);
      if (c.robot !== null) {
        t.robot(
          date,
          c.hits,
          c.bytes,
          c.robot,
          c.behaviour
            ? {
                pages: v.pages,
                refHits: v.refHits,
                searchHits: v.searchHits,
                imageHits: v.imageHits,
                downloadHits: v.downloadHits,
                hourly: v.hourly,
              }
            : null,
        );
        continue;
      }
      t.human(date, key.slice(11), c.hits, c.bytes, c.pages, c.hours);
      for (let i = 0; i < v.hourly.length; i += 3) t.hourPages[v.hourly[i]] += v.hourly[i + 2];
      for (const [path, n, b] of v.views) t.pageView(path, n, b);
      c.visitHours.forEach((h, i) => {
        t.visit(h, c.durations[i], v.spans[i].entry, v.spans[i].exit);
      });
    }
  }
  const panels = {} as Record<PanelId, PanelRow[]>;
  for (const id of ADDITIVE_PANELS) panels[id] = rowsOf(m.panels[id] ?? {});
  panels.pages = rowsOf(t.pageViews);
  panels.entry = rowsOf(t.entry);
  panels.exit = rowsOf(t.exit);
  panels["visit-durations"] = rowsOf(t.durations);
  const days = [...t.days.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  panels.weekdays = weekdaysOf(days);
  const hours: HourFigures[] = [];
  for (let h = 0; h < 24; h++) {
    const at = h * 4;
    hours.push({
      hour: h,
      hits: m.hours[at],
      pages: t.hourPages[h],
      bytes: m.hours[at + 2],
      robotHits: m.hours[at + 3] + t.hourBehaviourHits[h],
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
    days,
    hours,
    panels,
    robotReasons: t.robotReasons,
    behaviour: t.behaviour,
  };
}

/**
 * The address rules' answer for each address's day (`date addr`) they make a robot: its
 * visitor-days grouped, their records summed (see addressDayOf).
 */
export function addressReasons(
  visitorDays: Iterable<[string, VisitorDay]>,
  rules: RobotRules,
): Map<string, string> {
  const groups = new Map<string, VisitorDay[]>();
  for (const [key, v] of visitorDays) {
    const id = `${key.slice(0, 10)} ${v.addr}`;
    const g = groups.get(id);
    if (g === undefined) groups.set(id, [v]);
    else g.push(v);
  }
  const out = new Map<string, string>();
  for (const [id, g] of groups) {
    const reason = addressReason(addressDayOf(g), rules);
    if (reason !== null) out.set(id, reason);
  }
  return out;
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

/**
 * The days of the week: per weekday (key 1 = Monday … 7 = Sunday), the average hits, human pages
 * and bytes of its days with data (a gap is not a quiet day), and in `max` how many days that is.
 * In weekday order.
 */
export function weekdaysOf(
  days: { date: string; hits: number; pages: number; bytes: number }[],
): PanelRow[] {
  const sums = Array.from({ length: 7 }, () => ({ n: 0, hits: 0, pages: 0, bytes: 0 }));
  for (const d of days) {
    const w = (new Date(`${d.date}T00:00:00Z`).getUTCDay() + 6) % 7;
    sums[w].n++;
    sums[w].hits += d.hits;
    sums[w].pages += d.pages;
    sums[w].bytes += d.bytes;
  }
  const avg = (x: number, n: number) => Math.round((x / n) * 10) / 10;
  return sums.flatMap((s, w) =>
    s.n === 0
      ? []
      : [
          {
            key: String(w + 1),
            hits: avg(s.hits, s.n),
            pages: avg(s.pages, s.n),
            bytes: Math.round(s.bytes / s.n),
            max: s.n,
          },
        ],
  );
}
