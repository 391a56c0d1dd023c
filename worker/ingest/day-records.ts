/**
 * The visitor-days of an open day, in DAY_BUCKETS buckets chosen by a visitor key's first
 * character, which the client address alone decides: every visitor of one address shares a
 * bucket. A bucket is stored as a JSON object from address key to an object from visitor key to
 * the visitor-day's record (an array): D1 picks out the addresses a chunk names, and merges back
 * the records it changed (db/queries/day-buckets.ts), so the rest of the day stays in D1.
 */
import type { VisitorDay } from "../core/visitor-day";
import { keyDigit } from "../core/sketch";

export const DAY_BUCKETS = 32;

export const dayBucketOf = (key: string): number => keyDigit(key, 0) % DAY_BUCKETS;

/** The stored form of a visitor-day (its address's key is its object's key, see DayBucket). */
export function encodeVisitorDay(v: VisitorDay): StoredDay {
  return [
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
  ];
}

export type StoredDay = [
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

export function decodeVisitorDay(addr: string, stored: StoredDay): VisitorDay {
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
  ] = stored;
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

/** An address's visitor-days in a bucket: [visitor key, record] pairs. */
export type AddressDays = [visitor: string, record: StoredDay][];

/** A bucket's visitor-days by address, as pairs: what a read answers and a write sends. */
export type BucketDays = [address: string, days: AddressDays][];

/**
 * One bucket of a day, as far as a chunk sees it: the visitor-days of the addresses it names (read,
 * each decoded on demand), and those it sets, which are what it writes back. Maps and pairs rather
 * than objects: the keys are hashes (see db/queries/json-members.ts).
 */
export class DayBucket {
  /** The records set, by address key then visitor key: a merge patch for the stored bucket. */
  readonly changed = new Map<string, Map<string, StoredDay>>();
  private readonly read: Map<string, AddressDays>;

  /** `read`: the stored visitor-days of the addresses asked for (an address absent: none). */
  constructor(read: BucketDays = []) {
    this.read = new Map(read);
  }

  set(v: VisitorDay, visitor: string): void {
    let days = this.changed.get(v.addr);
    if (days === undefined) this.changed.set(v.addr, (days = new Map()));
    days.set(visitor, encodeVisitorDay(v));
  }

  /** Every visitor-day of the address in this bucket, as read: [visitor key, record]. */
  ofAddress(addr: string): [string, VisitorDay][] {
    const days = this.read.get(addr);
    if (!days) return [];
    return days.map(([visitor, r]) => [visitor, decodeVisitorDay(addr, r)]);
  }

  /** What this chunk set, as the write sends it. */
  patch(): BucketDays {
    return [...this.changed].map(([addr, days]) => [addr, [...days]]);
  }
}
