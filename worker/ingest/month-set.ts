/**
 * The visitor set of an unsealed month, in 64 buckets (a visitor key's second character). A bucket
 * is a string of fixed-width entries: the 11-character visitor key, then its human days in the
 * month as one key character (0–31 fits). Finding, changing or dropping an entry is a string
 * search and splice, with nothing to parse: a 10-minute upload touches tens of buckets of a
 * month holding tens of thousands of visitors.
 *
 * A bucket's visitors are exactly those of its 64 sketch registers (see worker/core/sketch.ts), so
 * the month's sketch is patched, slice by slice, from the buckets a chunk changes.
 */
import { hashInto, KEY_ALPHABET, visitorKey } from "../core/partial";
import { keyDigit, registerOf, SLICE } from "../core/sketch";

export const KEY_CHARS = 11;
const ENTRY = KEY_CHARS + 1;

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
 * One of a month's 64 buckets: its visitors (fixed-width entries, the 11-character visitor key then
 * its human days as one key character), read whole, and its hosts, a JSON object from host key to
 * counts that never leaves D1 whole: a chunk reads the counts of the hosts it names and writes
 * back a merge patch of those it changed (see db/queries/month-buckets.ts). A busy month holds
 * tens of thousands of hosts, a 256 KiB chunk names a few hundred.
 */
export class MonthBucket {
  /** The hosts this chunk changed, to merge into the stored ones. */
  readonly changedHosts: Record<string, HostCounts> = {};

  /** The visitor entries as read, before this chunk. */
  private readonly storedEntries: string;

  /** `hosts`: the stored counts of the hosts the chunk names, as read (absent or null: none). */
  constructor(
    public entries = "",
    private readonly hosts: Record<string, HostCounts | null> = {},
  ) {
    this.storedEntries = entries;
  }

  /** Its last visitor left with this chunk. */
  get emptied(): boolean {
    return this.entries === "" && this.storedEntries !== "";
  }

  private find(key: string): number {
    let i = this.entries.indexOf(key);
    while (i >= 0 && i % ENTRY !== 0) i = this.entries.indexOf(key, i + 1);
    return i;
  }

  /** The visitor's human days in the month (0 when absent). */
  humanDays(key: string): number {
    const i = this.find(key);
    return i < 0 ? 0 : keyDigit(this.entries, i + KEY_CHARS);
  }

  /** Sets the visitor's human days; 0 drops it from the set. */
  set(key: string, days: number): void {
    if (days < 0 || days > 63) throw new RangeError(`human days ${days} out of range`);
    const i = this.find(key);
    const entry = days === 0 ? "" : key + KEY_ALPHABET[days];
    if (i < 0) this.entries += entry;
    else this.entries = this.entries.slice(0, i) + entry + this.entries.slice(i + ENTRY);
  }

  /** A host's counts in the month so far (undefined when it has none); only hosts read or set. */
  host(key: string): HostCounts | undefined {
    return this.changedHosts[key] ?? this.hosts[key] ?? undefined;
  }

  setHost(key: string, v: HostCounts): void {
    this.changedHosts[key] = v;
  }

  /** The ranks of this bucket's 64 sketch registers, from its visitors. */
  registers(): Uint8Array {
    const r = new Uint8Array(SLICE);
    for (let i = 0; i < this.entries.length; i += ENTRY) {
      const { register, rank } = registerOf(this.entries.slice(i, i + KEY_CHARS));
      const at = register % SLICE;
      if (rank > r[at]) r[at] = rank;
    }
    return r;
  }
}
