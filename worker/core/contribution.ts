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
  /** The rest count only for humans (robot = the reason, else null). */
  robot: string | null;
  pages: number;
  visits: number;
  /** Bit h: the visitor was seen in local hour h. */
  hours: number;
  /** Start hour of each visit. */
  visitHours: number[];
  /** Entry page of each visit that viewed one. */
  entries: string[];
}

export function contribution(v: VisitorDay, rules: RobotRules): Contribution {
  const robot = robotReason(v, rules);
  if (robot !== null)
    return {
      hits: v.hits,
      bytes: v.bytes,
      robot,
      pages: 0,
      visits: 0,
      hours: 0,
      visitHours: [],
      entries: [],
    };
  const entries: string[] = [];
  for (const s of v.spans) if (s.entry !== null) entries.push(s.entry);
  return {
    hits: v.hits,
    bytes: v.bytes,
    robot: null,
    pages: v.pages,
    visits: v.spans.length,
    hours: v.hours,
    visitHours: v.spans.map((s) => visitHour(s.start)),
    entries,
  };
}

/** The local hour a visit starting at `start` (seconds of its day) counts under. */
export function visitHour(start: number): number {
  return Math.floor(start / 3600);
}
