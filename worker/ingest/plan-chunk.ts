import type { AnalysisPartial } from "../core/partial";
import type { Contribution } from "../core/contribution";
import type { RobotRules, VisitorDay } from "../core/visitor-day";
import type { BehaviourTotals } from "../core/report";
import type { DayDelta } from "../db/queries/add-days";
import type { HourDelta } from "../db/queries/add-hours";
import type { MonthDelta } from "../db/queries/add-months";
import type { DayBucketRow } from "../db/queries/day-buckets";
import type { MonthBucketRow } from "../db/queries/month-buckets";
import type { HeadRecord, TailDbRow } from "../db/queries/panel-store";
import type { SketchRow } from "../db/queries/sketches";
import type { PanelHead, RowDelta, StoredRow } from "./panel-head";
import type { Lifecycle } from "./periods";
import { contribution } from "../core/contribution";
import { addToSketch, decodeSketch, encodeSketch, estimate, mergeSketch } from "../core/sketch";
import { addressDayOf, addressReason, cloneVisitorDay, mergeVisitorDay } from "../core/visitor-day";
import { noBehaviour } from "../core/report";
import { DayBucket, dayBucketOf } from "./day-records";
import { hostKey, MonthBucket, monthBucketOf } from "./month-set";
import { compareRows, HEAD_ROWS, updatePanel } from "./panel-head";
import { closedBefore, nextClock, sealedBefore } from "./periods";

/** Panels the year page ranks: also kept per year, so that page reads one head each. */
export const YEAR_PANELS = ["pages", "image-search"];

/** What a chunk needs of the stored state, before it plans (see readsOf). */
export interface Reads {
  /** [date, bucket, address keys] of the open days' buckets it touches, and its addresses in them. */
  dayBuckets: [string, number, string[]][];
  /** [month, bucket, host keys, visitor keys] of the months' buckets it touches, and what it names in them. */
  monthBuckets: [string, number, string[], string[]][];
  heads: [string, string][];
  /** [period, panel, key] of every per-line panel row it touches (entry pages come later). */
  tails: [string, string, string][];
  months: string[];
  years: string[];
  dates: string[];
}

export interface SiteClock {
  clock: string | null;
  firstDate: string | null;
}

/** The stored state a chunk plans against (what `Reads` named, as read). */
export interface Stored {
  dayBuckets: Map<string, DayBucket>;
  monthBuckets: Map<string, MonthBucket>;
  heads: Map<string, PanelHead>;
  tails: Map<string, StoredRow>;
  sealed: Set<string>;
  sketches: Map<string, string>;
  yearBase: Map<string, number>;
  existingDays: Set<string>;
}

/** Everything a chunk writes. */
export interface ChunkPlan {
  clock: string | null;
  firstDate: string | null;
  /** Days before this one close with this chunk (their buckets are deleted); null: none. */
  closeBefore: string | null;
  /** Months before this one are sealed with this chunk; null: none. */
  sealBefore: string | null;
  dayBuckets: DayBucketRow[];
  monthBuckets: MonthBucketRow[];
  heads: HeadRecord[];
  tailWrites: TailDbRow[];
  tailDeletes: [string, string, string][];
  days: DayDelta[];
  months: MonthDelta[];
  hours: HourDelta[];
  sketches: SketchRow[];
  years: { year: string; visitors: number; newDays: number }[];
  /** Hits of days that were already closed: their visits and visitors are approximate. */
  late: { hits: number; from: string; to: string } | null;
}

const tab = (...parts: (string | number)[]) => parts.join("\t");

/** The latest day of a partial's visitor-days (the clock it would move to), and the earliest. */
function dateRange(p: AnalysisPartial): { first: string | null; last: string | null } {
  let first: string | null = null;
  let last: string | null = null;
  for (const mp of Object.values(p.months)) {
    for (const key of mp.visitorDays.keys()) {
      const date = key.slice(0, 10);
      if (first === null || date < first) first = date;
      if (last === null || date > last) last = date;
    }
  }
  return { first, last };
}

/** Per period and panel, the chunk's per-line deltas (months, and years for YEAR_PANELS). */
function panelDeltas(p: AnalysisPartial): Map<string, Map<string, RowDelta>> {
  const out = new Map<string, Map<string, RowDelta>>();
  const add = (period: string, panel: string, key: string, r: number[]) => {
    const id = tab(period, panel);
    let m = out.get(id);
    if (m === undefined) out.set(id, (m = new Map()));
    const d = m.get(key);
    if (d === undefined) m.set(key, { hits: r[0], pages: r[1], bytes: r[2], max: r[3] });
    else {
      d.hits += r[0];
      d.pages += r[1];
      d.bytes += r[2];
      if (r[3] > d.max) d.max = r[3];
    }
  };
  for (const [month, mp] of Object.entries(p.months)) {
    for (const [panel, rows] of Object.entries(mp.panels)) {
      // Hosts are counted in the month's buckets (see planHosts), not as panel rows.
      if (panel === "hosts") continue;
      for (const [key, r] of Object.entries(rows)) {
        add(month, panel, key, r);
        if (YEAR_PANELS.includes(panel)) add(month.slice(0, 4), panel, key, r);
      }
    }
  }
  return out;
}

/**
 * What to read before planning a chunk. It is read in the same batch as the site's clock, so it
 * cannot depend on it: the day buckets of every date the chunk names are asked for, and a closed
 * day's are simply not there any more (a day's buckets go when it closes).
 */
export function readsOf(p: AnalysisPartial): Reads {
  const dayBuckets = new Map<string, [string, number, Set<string>]>();
  const monthBuckets = new Map<string, [string, number, string[], Set<string>]>();
  const monthBucket = (month: string, b: number) => {
    const id = tab(month, b);
    let m = monthBuckets.get(id);
    if (m === undefined) monthBuckets.set(id, (m = [month, b, [], new Set()]));
    return m;
  };
  const dates = new Set<string>();
  for (const [month, mp] of Object.entries(p.months)) {
    for (const [key, v] of mp.visitorDays) {
      const date = key.slice(0, 10);
      const visitor = key.slice(11);
      dates.add(date);
      const b = dayBucketOf(visitor);
      const id = tab(date, b);
      let d = dayBuckets.get(id);
      if (d === undefined) dayBuckets.set(id, (d = [date, b, new Set()]));
      d[2].add(v.addr);
      monthBucket(month, monthBucketOf(visitor))[3].add(visitor);
    }
  }
  const heads: [string, string][] = [];
  const tails: [string, string, string][] = [];
  for (const [id, deltas] of panelDeltas(p)) {
    const [period, panel] = id.split("\t");
    heads.push([period, panel]);
    for (const key of deltas.keys()) tails.push([period, panel, key]);
  }
  for (const [month, mp] of Object.entries(p.months)) {
    const hosts = Object.keys(mp.panels.hosts ?? {});
    if (hosts.length === 0) continue;
    heads.push([month, "hosts"]);
    for (const name of hosts) {
      const key = hostKey(name);
      monthBucket(month, monthBucketOf(key))[2].push(key);
    }
  }
  const months = Object.keys(p.months).sort();
  for (const month of months)
    for (const panel of DERIVED_PANELS) {
      heads.push([month, panel]);
      if (YEAR_PANELS.includes(panel)) heads.push([month.slice(0, 4), panel]);
    }
  return {
    dayBuckets: [...dayBuckets.values()].map(([date, b, addrs]) => [date, b, [...addrs]]),
    monthBuckets: [...monthBuckets.values()].map(([month, b, hosts, visitors]) => [
      month,
      b,
      hosts,
      [...visitors],
    ]),
    heads,
    tails,
    months,
    years: [...new Set(months.map((m) => m.slice(0, 4)))],
    dates: [...dates],
  };
}

/** A month's visitor-days merged with the stored ones, and what they add to the figures. */
interface MonthWork {
  days: Map<string, DayDelta>;
  hourVisitors: number[];
  hourVisits: number[];
  /** Human page views, and robots-by-behaviour hits, by hour (net). */
  hourPages: number[];
  hourBehaviour: number[];
  /**
   * Derived panels (net): humans' page views, visits' first and last pages, visits' durations
   * (for those three, hits and pages are visits).
   */
  derived: Record<DerivedPanel, Map<string, RowDelta>>;
  /** What robots by behaviour put in the human panels (net). */
  behaviour: BehaviourTotals;
  /** Human days per visitor, net. */
  humanDays: Map<string, number>;
  /** Human visitors of days that were closed when they arrived (for a sealed month's sketch). */
  lateHumans: Set<string>;
  lateHits: number;
}

export type DerivedPanel = "pages" | "entry" | "exit" | "visit-durations";
export const DERIVED_PANELS: DerivedPanel[] = ["pages", "entry", "exit", "visit-durations"];

/**
 * Plans the visitor-days of a chunk: each one merged with its stored record when its day is open,
 * every derived figure moved by `contribution(merged) − contribution(stored)`, so the stored
 * figures are always those of all applied chunks analysed as one log, whatever their split and
 * order. An address's day is read whole (its visitor-days share a bucket): when the chunk changes
 * what the address rules say of it, every visitor-day of it is counted again. A visitor-day of a
 * closed day has no record left: it counts as new, judged with the chunk's own lines of its
 * address (see periods.ts).
 */
export function planVisitorDays(
  p: AnalysisPartial,
  stored: Stored,
  site: SiteClock,
  life: Lifecycle,
  rules: RobotRules,
  gap: number,
  today: string,
): {
  work: Map<string, MonthWork>;
  dayBuckets: DayBucketRow[];
  clock: string | null;
  closeBefore: string | null;
} {
  const closedNow = closedBefore(site.clock, life);
  const { last } = dateRange(p);
  const clock = nextClock(site.clock, last, today);
  const closedAfter = closedBefore(clock, life);
  const touchedBuckets = new Map<string, { date: string; bucket: number; b: DayBucket }>();
  const work = new Map<string, MonthWork>();
  for (const [month, mp] of Object.entries(p.months)) {
    const w: MonthWork = {
      days: new Map(),
      hourVisitors: new Array<number>(24).fill(0),
      hourVisits: new Array<number>(24).fill(0),
      hourPages: new Array<number>(24).fill(0),
      hourBehaviour: new Array<number>(24).fill(0),
      derived: {
        pages: new Map(),
        entry: new Map(),
        exit: new Map(),
        "visit-durations": new Map(),
      },
      behaviour: noBehaviour(),
      humanDays: new Map(),
      lateHumans: new Set(),
      lateHits: 0,
    };
    work.set(month, w);
    const bump = (m: Map<string, number>, key: string, sign: number) =>
      m.set(key, (m.get(key) ?? 0) + sign);
    const add = (m: Map<string, RowDelta>, key: string, n: number, bytes = 0) => {
      const r = m.get(key);
      if (r === undefined) m.set(key, { hits: n, pages: n, bytes, max: 0 });
      else {
        r.hits += n;
        r.pages += n;
        r.bytes += bytes;
      }
    };
    const apply = (v: VisitorDay, c: Contribution, sign: 1 | -1, d: DayDelta, visitor: string) => {
      d.hits += sign * c.hits;
      d.bytes += sign * c.bytes;
      if (c.robot !== null) {
        d.robotHits += sign * c.hits;
        if (!c.behaviour) return;
        const b = w.behaviour;
        b.hits += sign * v.hits;
        b.pages += sign * v.pages;
        b.refHits += sign * v.refHits;
        b.searchHits += sign * v.searchHits;
        b.imageHits += sign * v.imageHits;
        b.downloadHits += sign * v.downloadHits;
        for (let i = 0; i < c.hourly.length; i += 3)
          w.hourBehaviour[c.hourly[i]] += sign * c.hourly[i + 1];
        return;
      }
      d.pages += sign * c.pages;
      d.visits += sign * c.visits;
      d.visitors += sign;
      bump(w.humanDays, visitor, sign);
      for (let h = 0; h < 24; h++) if (c.hours & (1 << h)) w.hourVisitors[h] += sign;
      for (const h of c.visitHours) w.hourVisits[h] += sign;
      for (let i = 0; i < c.hourly.length; i += 3)
        w.hourPages[c.hourly[i]] += sign * c.hourly[i + 2];
      for (const [path, n, bytes] of c.views) add(w.derived.pages, path, sign * n, sign * bytes);
      for (const e of c.entries) add(w.derived.entry, e, sign);
      for (const e of c.exits) add(w.derived.exit, e, sign);
      for (const e of c.durations) add(w.derived["visit-durations"], e, sign);
    };
    // The chunk's visitor-days by address's day.
    const groups = new Map<string, { date: string; addr: string; fresh: [string, VisitorDay][] }>();
    for (const [key, fresh] of mp.visitorDays) {
      const date = key.slice(0, 10);
      const id = `${date} ${fresh.addr}`;
      let g = groups.get(id);
      if (g === undefined) groups.set(id, (g = { date, addr: fresh.addr, fresh: [] }));
      g.fresh.push([key.slice(11), fresh]);
    }
    for (const { date, addr, fresh } of groups.values()) {
      let d = w.days.get(date);
      if (d === undefined) {
        d = { date, hits: 0, pages: 0, bytes: 0, visits: 0, visitors: 0, robotHits: 0 };
        w.days.set(date, d);
      }
      const late = closedNow !== null && date < closedNow;
      let bucket: DayBucket | undefined;
      const before = new Map<string, VisitorDay>();
      if (!late) {
        const b = dayBucketOf(addr);
        const id = tab(date, b);
        let t = touchedBuckets.get(id);
        if (t === undefined) {
          t = { date, bucket: b, b: stored.dayBuckets.get(id) ?? new DayBucket() };
          touchedBuckets.set(id, t);
        }
        bucket = t.b;
        for (const [visitor, v] of bucket.ofAddress(addr)) before.set(visitor, v);
      }
      const after = new Map(before);
      for (const [visitor, v] of fresh) {
        const old = before.get(visitor);
        after.set(visitor, old ? mergeVisitorDay(cloneVisitorDay(old), v, gap) : v);
      }
      const reasonBefore =
        before.size > 0 ? addressReason(addressDayOf(before.values()), rules) : null;
      const reasonAfter = addressReason(addressDayOf(after.values()), rules);
      for (const [visitor, v] of after) {
        const old = before.get(visitor);
        // An untouched visitor-day of the address moves only when the address's verdict does.
        if (old === v && reasonBefore === reasonAfter) continue;
        if (old) apply(old, contribution(old, rules, reasonBefore), -1, d, visitor);
        const c = contribution(v, rules, reasonAfter);
        apply(v, c, 1, d, visitor);
        if (late) {
          w.lateHits += v.hits;
          if (c.robot === null) w.lateHumans.add(visitor);
        }
        if (old !== v) bucket?.set(v, visitor);
      }
    }
  }
  const dayBuckets: DayBucketRow[] = [];
  for (const t of touchedBuckets.values()) {
    // A day closing with this chunk keeps nothing: its buckets are deleted below.
    if (closedAfter !== null && t.date < closedAfter) continue;
    if (t.b.changed.size > 0)
      dayBuckets.push({ date: t.date, bucket: t.bucket, records: t.b.patch() });
  }
  return {
    work,
    dayBuckets,
    clock,
    closeBefore: closedAfter !== null && closedAfter !== closedNow ? closedAfter : null,
  };
}

/** A derived panel's rows that moved (a merge can cancel a row out). */
function moved(rows: Map<string, RowDelta>): [string, RowDelta][] {
  return [...rows].filter(([, r]) => r.hits !== 0 || r.bytes !== 0);
}

/**
 * The derived panels' [period, panel, key] a chunk moves whose tail rows it must read: those not
 * in their stored head (a key in a head has no tail row). Often none, and then no second read.
 */
export function entryReads(
  work: Map<string, MonthWork>,
  stored: Stored,
): [string, string, string][] {
  const heads = new Map<string, Set<string>>();
  const inHead = (period: string, panel: string, key: string) => {
    const id = tab(period, panel);
    let keys = heads.get(id);
    if (keys === undefined)
      heads.set(id, (keys = new Set(stored.heads.get(id)?.rows.map((r) => r.key))));
    return keys.has(key);
  };
  const out: [string, string, string][] = [];
  const want = (period: string, panel: string, key: string) => {
    if (!inHead(period, panel, key)) out.push([period, panel, key]);
  };
  for (const [month, w] of work)
    for (const panel of DERIVED_PANELS)
      for (const [key] of moved(w.derived[panel])) {
        want(month, panel, key);
        if (YEAR_PANELS.includes(panel)) want(month.slice(0, 4), panel, key);
      }
  return out;
}

/**
 * The [month, bucket] of the visitor sets a visitor leaves (the address rules turned the last of
 * its human days into a robot's): planChunk rebuilds their sketch registers from their whole sets.
 */
export function lostVisitorReads(work: Map<string, MonthWork>, stored: Stored): [string, number][] {
  const out = new Map<string, [string, number]>();
  for (const [month, w] of work) {
    if (stored.sealed.has(month)) continue;
    for (const [visitor, delta] of w.humanDays) {
      if (delta >= 0) continue;
      const b = monthBucketOf(visitor);
      const id = tab(month, b);
      const before = stored.monthBuckets.get(id)?.humanDays(visitor) ?? 0;
      if (before > 0 && before + delta <= 0) out.set(id, [month, b]);
    }
  }
  return [...out.values()];
}

/** Plans a chunk: its visitor-days (planVisitorDays), then every figure and panel it moves. */
export function planChunk(
  p: AnalysisPartial,
  stored: Stored,
  site: SiteClock,
  life: Lifecycle,
  rules: RobotRules,
  gap: number,
  runId: number,
  analysisMs: number,
  today: string,
  visitorDays = planVisitorDays(p, stored, site, life, rules, gap, today),
): ChunkPlan {
  const { work, clock } = visitorDays;
  const sealBefore = sealedBefore(clock, life);
  const sealedNow = sealedBefore(site.clock, life);
  const plan: ChunkPlan = {
    clock,
    firstDate: site.firstDate,
    closeBefore: visitorDays.closeBefore,
    sealBefore: sealBefore !== null && sealBefore !== sealedNow ? sealBefore : null,
    dayBuckets: visitorDays.dayBuckets,
    monthBuckets: [],
    heads: [],
    tailWrites: [],
    tailDeletes: [],
    days: [],
    months: [],
    hours: [],
    sketches: [],
    years: [],
    late: null,
  };
  const { first } = dateRange(p);
  if (first !== null && (plan.firstDate === null || first < plan.firstDate)) plan.firstDate = first;

  const hitsTotal = Object.values(p.months).reduce(
    (n, mp) => n + mp.hours.reduce((a, v, i) => (i % 4 === 0 ? a + v : a), 0),
    0,
  );
  const sketches = new Map<string, Uint8Array>();
  const sketchOf = (month: string) => {
    let s = sketches.get(month);
    if (s === undefined) sketches.set(month, (s = decodeSketch(stored.sketches.get(month))));
    return s;
  };
  const newDays = new Map<string, number>();
  let lateFrom: string | null = null;
  let lateTo: string | null = null;
  let lateHits = 0;

  for (const month of Object.keys(p.months).sort()) {
    const mp = p.months[month];
    const w = work.get(month)!;
    let visitors = 0;
    const sealed = stored.sealed.has(month);
    if (sealed) {
      // No visitor set any more: the late humans join the month's sketch, and its visitors grow
      // by what the estimate grows.
      if (w.lateHumans.size > 0) {
        const s = sketchOf(month);
        const before = estimate(s);
        for (const v of w.lateHumans) addToSketch(s, v);
        visitors = Math.max(0, estimate(s) - before);
      }
    }
    // The month's buckets this chunk changes: its visitor set (unsealed) and its hosts.
    const buckets = new Map<number, MonthBucket>();
    const bucketOf = (b: number) => {
      let bucket = buckets.get(b);
      if (bucket === undefined)
        buckets.set(b, (bucket = stored.monthBuckets.get(tab(month, b)) ?? new MonthBucket()));
      return bucket;
    };
    if (!sealed) {
      const changed = new Set<number>();
      for (const [visitor, delta] of w.humanDays) {
        if (delta === 0) continue;
        const b = monthBucketOf(visitor);
        const bucket = bucketOf(b);
        changed.add(b);
        const before = bucket.humanDays(visitor);
        const after = Math.max(0, before + delta);
        visitors += (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
        bucket.set(visitor, after);
      }
      if (changed.size > 0) {
        const s = sketchOf(month);
        for (const b of changed) bucketOf(b).patchSketch(s, b);
      }
    }
    const hosts = mp.panels.hosts;
    if (hosts && Object.keys(hosts).length > 0) {
      const id = tab(month, "hosts");
      const u = planHosts(stored.heads.get(id), hosts, sealed ? null : bucketOf, runId);
      plan.heads.push({ period: month, panel: "hosts", head: u });
    }
    if (!sealed && (plan.sealBefore === null || month >= plan.sealBefore))
      for (const [b, bucket] of buckets)
        plan.monthBuckets.push({
          month,
          bucket: b,
          visitors: [...bucket.changedVisitors],
          hosts: [...bucket.changedHosts],
          emptied: bucket.emptied,
        });
    const m: MonthDelta = {
      month,
      hits: 0,
      pages: 0,
      bytes: 0,
      visits: 0,
      visitors,
      robotHits: 0,
      rejected: mp.rejected,
      lines: 0,
      analysisMs: 0,
      lateLines: w.lateHits,
      behaviour: w.behaviour,
    };
    for (const d of w.days.values()) {
      plan.days.push(d);
      m.hits += d.hits;
      m.pages += d.pages;
      m.bytes += d.bytes;
      m.visits += d.visits;
      m.robotHits += d.robotHits;
      if (!stored.existingDays.has(d.date) && d.hits > 0) {
        const y = d.date.slice(0, 4);
        newDays.set(y, (newDays.get(y) ?? 0) + 1);
      }
    }
    m.lines = m.hits + mp.rejected;
    // The chunk's analysis time, shared among its months by their share of its hits.
    m.analysisMs = hitsTotal > 0 ? (analysisMs * m.hits) / hitsTotal : 0;
    plan.months.push(m);
    // Hours: hits and bytes per line; human pages and robot hits derived like the days', so that
    // robots found by their behaviour leave the human figures of their hours too.
    for (let h = 0; h < 24; h++) {
      const at = h * 4;
      const robotHits = mp.hours[at + 3] + w.hourBehaviour[h];
      if (mp.hours[at] || w.hourVisitors[h] || w.hourVisits[h] || w.hourPages[h] || robotHits) {
        plan.hours.push({
          month,
          hour: h,
          hits: mp.hours[at],
          pages: w.hourPages[h],
          bytes: mp.hours[at + 2],
          robotHits,
          visitors: w.hourVisitors[h],
          visits: w.hourVisits[h],
        });
      }
    }
    if (w.lateHits > 0) {
      lateHits += w.lateHits;
      for (const d of w.days.keys()) {
        if (lateFrom === null || d < lateFrom) lateFrom = d;
        if (lateTo === null || d > lateTo) lateTo = d;
      }
    }
  }
  if (lateHits > 0) plan.late = { hits: lateHits, from: lateFrom!, to: lateTo! };

  // Panels: the per-line ones, the year's, and the derived entry pages.
  const deltas = panelDeltas(p);
  for (const [month, w] of work) {
    for (const panel of DERIVED_PANELS) {
      const rows = moved(w.derived[panel]);
      if (rows.length === 0) continue;
      deltas.set(tab(month, panel), new Map(rows));
      if (!YEAR_PANELS.includes(panel)) continue;
      // The year's panel sums its months'.
      const id = tab(month.slice(0, 4), panel);
      let year = deltas.get(id);
      if (year === undefined) deltas.set(id, (year = new Map()));
      for (const [key, r] of rows) {
        const y = year.get(key);
        if (y === undefined) year.set(key, { ...r });
        else {
          y.hits += r.hits;
          y.pages += r.pages;
          y.bytes += r.bytes;
        }
      }
    }
  }
  for (const [id, d] of deltas) {
    const [period, panel] = id.split("\t");
    const tails = new Map<string, StoredRow>();
    for (const key of d.keys()) {
      const t = stored.tails.get(tab(period, panel, key));
      if (t !== undefined) tails.set(key, t);
    }
    const u = updatePanel(stored.heads.get(id), tails, d, runId, life.panelKeys);
    plan.heads.push({ period, panel, head: u.head });
    for (const r of u.tailWrites) plan.tailWrites.push({ ...r, period, panel });
    for (const key of u.tailDeletes) plan.tailDeletes.push([period, panel, key]);
  }

  // Sketches changed, and every touched year's visitors estimated anew from its months'.
  for (const [month, s] of sketches) plan.sketches.push({ month, registers: encodeSketch(s) });
  const years = new Set(Object.keys(p.months).map((m) => m.slice(0, 4)));
  for (const year of years) {
    const union = decodeSketch(null);
    const months = new Set([...stored.sketches.keys(), ...sketches.keys()]);
    for (const month of months) if (month.startsWith(year)) mergeSketch(union, sketchOf(month));
    plan.years.push({
      year,
      visitors: (stored.yearBase.get(year) ?? 0) + estimate(union),
      newDays: newDays.get(year) ?? 0,
    });
  }
  return plan;
}

/**
 * The hosts panel of a month: every host's counts live in the month's buckets (by a hash of its
 * name, see MonthBucket) while the month is unsealed; the panel's head names the top HEAD_ROWS of
 * them. A host's counts only grow, and only a host this chunk touches can climb into the head, so
 * the head stays the panel's exact top. Once the month is sealed its buckets are gone: the head
 * and the totals remain, and lines that come later (`buckets` null) add to the head's rows and
 * totals only, as if each host they name were new.
 */
function planHosts(
  stored: PanelHead | undefined,
  deltas: Record<string, [number, number, number, number]>,
  buckets: ((b: number) => MonthBucket) | null,
  runId: number,
): PanelHead {
  const head: PanelHead = stored
    ? { ...stored, rows: stored.rows.map((r) => ({ ...r })) }
    : { rows: [], n: 0, hits: 0, pages: 0, bytes: 0, tail: null };
  const inHead = new Map(head.rows.map((r) => [r.key, r]));
  for (const [name, [hits, pages, bytes]] of Object.entries(deltas)) {
    head.hits += hits;
    head.pages += pages;
    head.bytes += bytes;
    let before: [number, number, number] | undefined;
    let after: [number, number, number] = [hits, pages, bytes];
    if (buckets) {
      const key = hostKey(name);
      const bucket = buckets(monthBucketOf(key));
      before = bucket.host(key);
      if (before) after = [before[0] + hits, before[1] + pages, before[2] + bytes];
      bucket.setHost(key, after);
    } else {
      const r = inHead.get(name);
      if (r) before = [r.hits, r.pages, r.bytes];
      if (before) after = [before[0] + hits, before[1] + pages, before[2] + bytes];
    }
    if (!before) head.n++;
    const r = inHead.get(name);
    if (r) {
      r.hitsBefore = r.changedRun === runId ? r.hitsBefore : r.hits;
      r.changedRun = runId;
      [r.hits, r.pages, r.bytes] = after;
    } else
      inHead.set(name, {
        key: name,
        hits: after[0],
        pages: after[1],
        bytes: after[2],
        max: 0,
        changedRun: runId,
        hitsBefore: before ? before[0] : 0,
      });
  }
  head.rows = [...inHead.values()].sort(compareRows).slice(0, HEAD_ROWS);
  return head;
}
