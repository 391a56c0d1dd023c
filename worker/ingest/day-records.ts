/**
 * The visitor-days of an open day, in DAY_BUCKETS buckets chosen by a visitor key's first
 * character, which the client address alone decides: every visitor of one address shares a
 * bucket. A bucket is stored as a JSON object from visitor key to the record's own JSON text, so
 * reading a bucket parses only the strings, and only the records a chunk touches are decoded.
 */
import type { VisitorDay } from "../core/visitor-day";
import { keyDigit } from "../core/sketch";

export const DAY_BUCKETS = 32;

export const dayBucketOf = (key: string): number => keyDigit(key, 0) % DAY_BUCKETS;

/** The stored form of a visitor-day: its counters, then its spans [start, end, entryAt, entry]. */
export function encodeVisitorDay(v: VisitorDay): string {
  return JSON.stringify([
    v.hits,
    v.bytes,
    v.pages,
    v.errors,
    v.posts,
    v.robotsTxt,
    v.uaRobot,
    v.hours,
    v.spans.map((s) => [s.start, s.end, s.entryAt, s.entry]),
  ]);
}

export function decodeVisitorDay(json: string): VisitorDay {
  const [hits, bytes, pages, errors, posts, robotsTxt, uaRobot, hours, spans] = JSON.parse(
    json,
  ) as [
    hits: number,
    bytes: number,
    pages: number,
    errors: number,
    posts: number,
    robotsTxt: number,
    uaRobot: number,
    hours: number,
    spans: [start: number, end: number, entryAt: number, entry: string | null][],
  ];
  return {
    hits,
    bytes,
    pages,
    errors,
    posts,
    robotsTxt,
    uaRobot,
    hours,
    spans: spans.map(([start, end, entryAt, entry]) => ({ start, end, entryAt, entry })),
  };
}

/** One bucket of a day: records by visitor key, decoded on demand. */
export class DayBucket {
  private readonly records: Record<string, string>;

  constructor(json?: string) {
    this.records = json ? (JSON.parse(json) as Record<string, string>) : {};
  }

  get(key: string): VisitorDay | undefined {
    const r = this.records[key];
    return r === undefined ? undefined : decodeVisitorDay(r);
  }

  set(key: string, v: VisitorDay): void {
    this.records[key] = encodeVisitorDay(v);
  }

  keys(): string[] {
    return Object.keys(this.records);
  }

  encode(): string {
    return JSON.stringify(this.records);
  }
}
