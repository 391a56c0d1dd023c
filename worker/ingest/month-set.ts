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

/** A host's key in the buckets: 11 key characters of its hashed name (see hostKey). */
const HOST_NUMBERS = [5, 5, 8];
const HOST_ENTRY = KEY_CHARS + 18;

/** The bucket key of a host (its panel key: an address, a /24, a keyed hash…). */
export function hostKey(name: string): string {
  const h = new Int32Array(4);
  hashInto(name, h, 0);
  hashInto(`host ${name}`, h, 2);
  return visitorKey(h[0], h[1], h[2], h[3]);
}

function digits(n: number, width: number): string {
  let out = "";
  let v = Math.max(0, Math.floor(n));
  for (let i = 0; i < width; i++) {
    out = KEY_ALPHABET[v % 64] + out;
    v = Math.floor(v / 64);
  }
  return out;
}

function number(s: string, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 64 + keyDigit(s, at + i);
  return v;
}

/**
 * One of a month's 64 buckets: its visitors (fixed-width entries, the 11-character visitor key then
 * its human days as one key character) and its hosts (the 11-character host key, then hits, pages
 * and bytes as 5, 5 and 8 key characters: up to 2³⁰ hits and 2⁴⁸ bytes a host a month).
 */
export class MonthBucket {
  constructor(
    public entries = "",
    public hosts = "",
  ) {}

  get size(): number {
    return this.entries.length / ENTRY;
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

  private findHost(key: string): number {
    let i = this.hosts.indexOf(key);
    while (i >= 0 && i % HOST_ENTRY !== 0) i = this.hosts.indexOf(key, i + 1);
    return i;
  }

  /** A host's hits, pages and bytes in the month so far (undefined when it has none). */
  host(key: string): [hits: number, pages: number, bytes: number] | undefined {
    const i = this.findHost(key);
    if (i < 0) return undefined;
    let at = i + KEY_CHARS;
    return HOST_NUMBERS.map((w) => {
      const v = number(this.hosts, at, w);
      at += w;
      return v;
    }) as [number, number, number];
  }

  setHost(key: string, v: [hits: number, pages: number, bytes: number]): void {
    const i = this.findHost(key);
    const entry = v[0] <= 0 ? "" : key + v.map((x, j) => digits(x, HOST_NUMBERS[j])).join("");
    if (i < 0) this.hosts += entry;
    else this.hosts = this.hosts.slice(0, i) + entry + this.hosts.slice(i + HOST_ENTRY);
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
