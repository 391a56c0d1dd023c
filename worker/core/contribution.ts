import type { RobotRules, VisitorDay } from "./visitor-day";
import { robotReason } from "./visitor-day";

/**
 * What one visitor-day adds to its day's and month's figures. Reports sum these; an ingest that
 * replaces a stored visitor-day by its merge with new hits applies `new − old` of them, which is
 * how stored figures stay exactly those of the whole log.
 */
export interface Contribution {
  hits: number;
  bytes: number;
  /** Why it is a robot (the first rule that caught it), else null. */
  robot: string | null;
  /** A robot by its behaviour, not by its user agent: its hits are in the human panels' rows. */
  behaviour: boolean;
  /** The rest count only for humans. */
  pages: number;
  visits: number;
  /** Bit h: the visitor was seen in local hour h. */
  hours: number;
  /** [hour, robot hits, pages, …]: a robot by behaviour's hits by hour, or a human's pages. */
  hourly: number[];
  /** Start hour of each visit. */
  visitHours: number[];
  /** Entry and exit page of each visit that viewed one. */
  entries: string[];
  exits: string[];
  /** The duration bucket of each visit (see DURATIONS). */
  durations: string[];
  /** Its page views ([path, views, bytes]), for the pages panel: a human's only. */
  views: [string, number, number][];
}

/** Visit durations, as AWStats shows them: last hit's time minus the first's. */
export const DURATIONS: [key: string, upTo: number][] = [
  ["0-30s", 30],
  ["30s-2m", 120],
  ["2-5m", 300],
  ["5-15m", 900],
  ["15-30m", 1800],
  ["30m-1h", 3600],
  ["1h+", Number.POSITIVE_INFINITY],
];

export function durationOf(seconds: number): string {
  for (const [key, upTo] of DURATIONS) if (seconds < upTo) return key;
  return DURATIONS[DURATIONS.length - 1][0];
}

/**
 * A visitor-day's contribution; `address` is the reason its address's day is a robot, if any
 * (see addressReason), which applies after the visitor-day's own rules.
 */
export function contribution(
  v: VisitorDay,
  rules: RobotRules,
  address: string | null = null,
): Contribution {
  const robot = robotReason(v, rules) ?? address;
  if (robot !== null) {
    const hourly: number[] = [];
    if (!v.uaRobot)
      for (let i = 0; i < v.hourly.length; i += 3) hourly.push(v.hourly[i], v.hourly[i + 1], 0);
    return {
      hits: v.hits,
      bytes: v.bytes,
      robot,
      behaviour: !v.uaRobot,
      pages: 0,
      visits: 0,
      hours: 0,
      hourly,
      visitHours: [],
      entries: [],
      exits: [],
      durations: [],
      views: [],
    };
  }
  const entries: string[] = [];
  const exits: string[] = [];
  const hourly: number[] = [];
  for (let i = 0; i < v.hourly.length; i += 3) hourly.push(v.hourly[i], 0, v.hourly[i + 2]);
  for (const s of v.spans) {
    if (s.entry !== null) entries.push(s.entry);
    if (s.exit !== null) exits.push(s.exit);
  }
  return {
    hits: v.hits,
    bytes: v.bytes,
    robot: null,
    behaviour: false,
    pages: v.pages,
    visits: v.spans.length,
    hours: v.hours,
    hourly,
    visitHours: v.spans.map((s) => visitHour(s.start)),
    entries,
    exits,
    durations: v.spans.map((s) => durationOf(s.end - s.start)),
    views: v.views,
  };
}

/** The local hour a visit starting at `start` (seconds of its day) counts under. */
export function visitHour(start: number): number {
  return Math.floor(start / 3600);
}
