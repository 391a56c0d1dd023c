import type { AnalysisPartial } from "../core/partial";
import type { Contribution } from "../core/contribution";
import type { RobotRules, VisitorDay } from "../core/visitor-day";
import type { DayDelta } from "../db/queries/add-days";
import type { HourDelta } from "../db/queries/add-hours";
import type { MonthDelta } from "../db/queries/add-months";
import type { PanelRowDelta } from "../db/queries/upsert-panel-rows";
import type { VisitorDayRow } from "../db/queries/upsert-visitor-days";
import type { VisitorMonthRow } from "../db/queries/upsert-visitor-months";
import { contribution } from "../core/contribution";
import { cloneVisitorDay, mergeVisitorDay } from "../core/visitor-day";

/** Everything a chunk writes, computed from its partial and the stored records it touches. */
export interface ChunkPlan {
  visitorDays: VisitorDayRow[];
  visitorMonths: VisitorMonthRow[];
  days: DayDelta[];
  months: MonthDelta[];
  hours: HourDelta[];
  panels: PanelRowDelta[];
}

/** The stored form of a visitor-day: counters and spans as JSON arrays. */
export function encodeVisitorDay(v: VisitorDay): [string, string] {
  return [
    JSON.stringify([v.hits, v.bytes, v.pages, v.errors, v.posts, v.robotsTxt, v.uaRobot, v.hours]),
    JSON.stringify(v.spans.map((s) => [s.start, s.end, s.entryAt, s.entry])),
  ];
}

export function decodeVisitorDay(counters: string, spans: string): VisitorDay {
  const c = JSON.parse(counters) as number[];
  const s = JSON.parse(spans) as [number, number, number, string | null][];
  return {
    hits: c[0],
    bytes: c[1],
    pages: c[2],
    errors: c[3],
    posts: c[4],
    robotsTxt: c[5],
    uaRobot: c[6],
    hours: c[7],
    spans: s.map(([start, end, entryAt, entry]) => ({ start, end, entryAt, entry })),
  };
}

/** Keys the chunk touches, to read the stored records first. */
export function touchedKeys(p: AnalysisPartial): {
  visitorDays: [string, string][];
  visitorMonths: [string, string][];
} {
  const visitorDays: [string, string][] = [];
  const months = new Set<string>();
  for (const [month, mp] of Object.entries(p.months)) {
    for (const key of mp.visitorDays.keys()) {
      visitorDays.push([key.slice(0, 10), key.slice(11)]);
      months.add(`${month} ${key.slice(11)}`);
    }
  }
  return { visitorDays, visitorMonths: [...months].map((k) => [k.slice(0, 7), k.slice(8)]) };
}

/**
 * Plans the writes of one chunk. Every derived figure moves by `contribution(merged) −
 * contribution(stored)` of each visitor-day it touches, so the stored figures are always those
 * of all applied chunks analysed as one log, whatever their split and order.
 */
export function planChunk(
  p: AnalysisPartial,
  stored: Map<string, VisitorDay>,
  storedHumanDays: Map<string, number>,
  rules: RobotRules,
  gap: number,
  analysisMs: number,
): ChunkPlan {
  const plan: ChunkPlan = {
    visitorDays: [],
    visitorMonths: [],
    days: [],
    months: [],
    hours: [],
    panels: [],
  };
  const monthNames = Object.keys(p.months).sort();
  const hitsTotal = monthNames.reduce(
    (n, m) => n + p.months[m].hours.reduce((a, v, i) => (i % 4 === 0 ? a + v : a), 0),
    0,
  );
  for (const month of monthNames) {
    const mp = p.months[month];
    const days = new Map<string, DayDelta>();
    const hourVisitors = new Array<number>(24).fill(0);
    const hourVisits = new Array<number>(24).fill(0);
    const entries = new Map<string, number>();
    const humanDays = new Map<string, number>();
    const apply = (c: Contribution, sign: 1 | -1, d: DayDelta, visitor: string) => {
      d[1] += sign * c.hits;
      d[3] += sign * c.bytes;
      if (c.robot !== null) {
        d[6] += sign * c.hits;
        return;
      }
      d[2] += sign * c.pages;
      d[4] += sign * c.visits;
      d[5] += sign;
      humanDays.set(visitor, (humanDays.get(visitor) ?? 0) + sign);
      for (let h = 0; h < 24; h++) if (c.hours & (1 << h)) hourVisitors[h] += sign;
      for (const h of c.visitHours) hourVisits[h] += sign;
      for (const e of c.entries) entries.set(e, (entries.get(e) ?? 0) + sign);
    };
    for (const [key, fresh] of mp.visitorDays) {
      const date = key.slice(0, 10);
      const visitor = key.slice(11);
      let d = days.get(date);
      if (d === undefined) {
        d = [date, 0, 0, 0, 0, 0, 0];
        days.set(date, d);
      }
      const old = stored.get(key);
      const merged = old ? mergeVisitorDay(cloneVisitorDay(old), fresh, gap) : fresh;
      if (old) apply(contribution(old, rules), -1, d, visitor);
      apply(contribution(merged, rules), 1, d, visitor);
      plan.visitorDays.push([date, visitor, ...encodeVisitorDay(merged)]);
    }
    let visitorsDelta = 0;
    for (const [visitor, delta] of humanDays) {
      if (delta === 0) continue;
      const before = storedHumanDays.get(`${month} ${visitor}`) ?? 0;
      const after = before + delta;
      visitorsDelta += (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
      plan.visitorMonths.push([month, visitor, after]);
    }
    const m: MonthDelta = [month, 0, 0, 0, 0, visitorsDelta, 0, mp.rejected, 0, 0];
    for (const d of days.values()) {
      plan.days.push(d);
      m[1] += d[1];
      m[2] += d[2];
      m[3] += d[3];
      m[4] += d[4];
      m[6] += d[6];
    }
    m[8] = m[1] + mp.rejected;
    // The chunk's analysis time, shared among its months by their share of its hits.
    m[9] = hitsTotal > 0 ? (analysisMs * m[1]) / hitsTotal : 0;
    plan.months.push(m);
    for (let h = 0; h < 24; h++) {
      const at = h * 4;
      if (mp.hours[at] || hourVisitors[h] || hourVisits[h]) {
        plan.hours.push([
          month,
          h,
          mp.hours[at],
          mp.hours[at + 1],
          mp.hours[at + 2],
          mp.hours[at + 3],
          hourVisitors[h],
          hourVisits[h],
        ]);
      }
    }
    for (const [panel, rows] of Object.entries(mp.panels)) {
      for (const [key, r] of Object.entries(rows))
        plan.panels.push([month, panel, key, r[0], r[1], r[2], r[3]]);
    }
    for (const [key, n] of entries)
      if (n !== 0) plan.panels.push([month, "entry", key, n, n, 0, 0]);
  }
  return plan;
}
