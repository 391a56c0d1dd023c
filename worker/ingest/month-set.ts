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
import { KEY_ALPHABET } from "../core/partial";
import { keyDigit, registerOf, SLICE } from "../core/sketch";

export const KEY_CHARS = 11;
const ENTRY = KEY_CHARS + 1;

export const monthBucketOf = (key: string): number => keyDigit(key, 1);

export class MonthBucket {
  constructor(public entries = "") {}

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
