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

/** The stored form of a visitor-day (its address's key is in the bucket's key, see DayBucket). */
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
    v.assets,
    v.probes,
    v.formPages,
    v.refHits,
    v.searchHits,
    v.imageHits,
    v.downloadHits,
    v.hourly,
    v.views,
    v.spans.map((s) => [s.start, s.end, s.entryAt, s.entry, s.exitAt, s.exit]),
  ]);
}

type Stored = [
  hits: number,
  bytes: number,
  pages: number,
  errors: number,
  posts: number,
  robotsTxt: number,
  uaRobot: number,
  hours: number,
  assets: number,
  probes: number,
  formPages: number,
  refHits: number,
  searchHits: number,
  imageHits: number,
  downloadHits: number,
  hourly: number[],
  views: [path: string, views: number, bytes: number][],
  spans: [
    start: number,
    end: number,
    entryAt: number,
    entry: string | null,
    exitAt: number,
    exit: string | null,
  ][],
];

export function decodeVisitorDay(addr: string, json: string): VisitorDay {
  const [
    hits,
    bytes,
    pages,
    errors,
    posts,
    robotsTxt,
    uaRobot,
    hours,
    assets,
    probes,
    formPages,
    refHits,
    searchHits,
    imageHits,
    downloadHits,
    hourly,
    views,
    spans,
  ] = JSON.parse(json) as Stored;
  return {
    addr,
    hits,
    bytes,
    pages,
    errors,
    posts,
    robotsTxt,
    uaRobot,
    hours,
    assets,
    probes,
    formPages,
    refHits,
    searchHits,
    imageHits,
    downloadHits,
    hourly,
    views,
    spans: spans.map(([start, end, entryAt, entry, exitAt, exit]) => ({
      start,
      end,
      entryAt,
      entry,
      exitAt,
      exit,
    })),
  };
}

/**
 * One bucket of a day: records keyed by address key then visitor key (22 characters), so that an
 * address's visitor-days are found by their keys' prefix; each decoded on demand.
 */
export class DayBucket {
  private readonly records: Record<string, string>;

  constructor(json?: string) {
    this.records = json ? (JSON.parse(json) as Record<string, string>) : {};
  }

  get(addr: string, visitor: string): VisitorDay | undefined {
    const r = this.records[addr + visitor];
    return r === undefined ? undefined : decodeVisitorDay(addr, r);
  }

  set(v: VisitorDay, visitor: string): void {
    this.records[v.addr + visitor] = encodeVisitorDay(v);
  }

  /** Every visitor-day of the address in this bucket: [visitor key, record]. */
  ofAddress(addr: string): [string, VisitorDay][] {
    const out: [string, VisitorDay][] = [];
    for (const k in this.records)
      if (k.startsWith(addr))
        out.push([k.slice(addr.length), decodeVisitorDay(addr, this.records[k])]);
    return out;
  }

  encode(): string {
    return JSON.stringify(this.records);
  }
}
