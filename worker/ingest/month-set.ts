/**
 * The visitor set of an unsealed month, in 64 buckets (a visitor key's second character). A bucket
 * is a JSON object from visitor key to the visitor's human days in the month, which never leaves
 * D1 whole: a chunk reads the visitors it names and writes back a merge patch of those it changed
 * (db/queries/month-buckets.ts). A 10-minute upload names tens of visitors of a month holding tens
 * of thousands.
 *
 * A bucket's visitors are exactly those of its 64 sketch registers (see worker/core/sketch.ts), so
 * the month's sketch is patched from the buckets a chunk changes: a visitor who joins is added to
 * it; a bucket a visitor leaves (a rare thing: the address rules turn a day into a robot's) is read
 * whole and its 64 registers rebuilt from its set.
 */
import { hashInto, visitorKey } from "../core/partial";
import { addToSketch, keyDigit, SLICE } from "../core/sketch";

export const KEY_CHARS = 11;

/** The bucket of a visitor key or a host key. */
export const monthBucketOf = (key: string): number => keyDigit(key, 1);

/**
 * A bucket's hosts as stored before migration 0008 (and in exports made then): fixed-width entries,
 * the 11-character host key then hits, pages and bytes as 5, 5 and 8 key characters.
 */
export function hostsOfEntries(old: string): Record<string, HostCounts> {
  const out: Record<string, HostCounts> = {};
  const number = (at: number, width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 64 + keyDigit(old, at + i);
    return v;
  };
  for (let at = 0; at + 29 <= old.length; at += 29)
    out[old.slice(at, at + KEY_CHARS)] = [
      number(at + 11, 5),
      number(at + 16, 5),
      number(at + 21, 8),
    ];
  return out;
}

/** The bucket key of a host (its panel key: an address, a /24, a keyed hash…). */
export function hostKey(name: string): string {
  const h = new Int32Array(4);
  hashInto(name, h, 0);
  hashInto(`host ${name}`, h, 2);
  return visitorKey(h[0], h[1], h[2], h[3]);
}

/** A host's hits, pages and bytes in a month. */
export type HostCounts = [hits: number, pages: number, bytes: number];

/**
 * A bucket's visitors as stored before migration 0010 (and in exports made then): fixed-width
 * entries, the 11-character visitor key then its human days as one key character.
 */
export function humanDaysOfEntries(old: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (let at = 0; at + 12 <= old.length; at += 12) {
    // A visitor of no human day was never stored; an export that says so is taken as absent.
    const days = keyDigit(old, at + KEY_CHARS);
    if (days > 0) out[old.slice(at, at + KEY_CHARS)] = days;
  }
  return out;
}

/**
 * One of a month's 64 buckets, as far as a chunk sees it: the visitors and the hosts it names, as
 * read (absent or null: none), and what it changes of them, which is what it writes back. Hosts
 * are a JSON object from host key to counts, handled the same way: a busy month holds tens of
 * thousands of hosts, a 256 KiB chunk names a few hundred.
 */
export class MonthBucket {
  /** The visitors this chunk changed (null: left the set), to merge into the stored ones. */
  readonly changedVisitors = new Map<string, number | null>();
  /** The hosts this chunk changed, to merge into the stored ones. */
  readonly changedHosts = new Map<string, HostCounts>();
  /** A visitor left the set: the bucket's sketch registers are rebuilt from its whole set. */
  lostVisitor = false;
  /** The whole stored set, read only when a visitor leaves it (see apply-chunk.ts). */
  allVisitors: Map<string, number> | null = null;

  constructor(
    private readonly visitors = new Map<string, number>(),
    private readonly hosts = new Map<string, HostCounts>(),
  ) {}

  /** The visitor's human days in the month (0 when absent). */
  humanDays(key: string): number {
    const changed = this.changedVisitors.get(key);
    if (changed !== undefined) return changed ?? 0;
    return this.visitors.get(key) ?? 0;
  }

  /** Sets the visitor's human days; 0 drops it from the set. */
  set(key: string, days: number): void {
    if (days < 0 || days > 63) throw new RangeError(`human days ${days} out of range`);
    const before = this.humanDays(key);
    if (days === before) return;
    if (days === 0) this.lostVisitor = true;
    this.changedVisitors.set(key, days === 0 ? null : days);
  }

  /** Its last visitor left with this chunk (known only once the bucket was read whole). */
  get emptied(): boolean {
    return this.lostVisitor && this.visitorsAfter().length === 0;
  }

  /** The keys of the whole set after this chunk (the bucket read whole). */
  private visitorsAfter(): string[] {
    if (this.allVisitors === null)
      throw new Error("a month bucket a visitor left must be read whole first");
    const out: string[] = [];
    for (const key of this.allVisitors.keys()) if (!this.changedVisitors.has(key)) out.push(key);
    for (const [key, days] of this.changedVisitors) if (days) out.push(key);
    return out;
  }

  /**
   * Brings the bucket's slice of its month's sketch (registers [64·b, 64·b + 64)) to its visitors
   * after this chunk: the visitors who joined are added; when one left, the slice is rebuilt.
   */
  patchSketch(sketch: Uint8Array, b: number): void {
    if (!this.lostVisitor) {
      for (const [key, days] of this.changedVisitors)
        if (days !== null && !this.visitors.get(key)) addToSketch(sketch, key);
      return;
    }
    sketch.fill(0, b * SLICE, b * SLICE + SLICE);
    for (const key of this.visitorsAfter()) addToSketch(sketch, key);
  }

  /** A host's counts in the month so far (undefined when it has none); only hosts read or set. */
  host(key: string): HostCounts | undefined {
    return this.changedHosts.get(key) ?? this.hosts.get(key);
  }

  setHost(key: string, v: HostCounts): void {
    this.changedHosts.set(key, v);
  }
}
