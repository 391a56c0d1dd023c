/**
 * A HyperLogLog sketch of visitor keys (Flajolet et al., 2007), for distinct counts over periods
 * whose visitor sets are no longer kept (a sealed month, a year). 4,096 registers: a relative
 * standard error of 1.04 / √4096 ≈ 1.6 %, exact-ish below ~10,000 (linear counting).
 *
 * Visitor keys are already 60 bits of hash (characters 1–10 of a key, see visitorKey), so the
 * sketch reads them directly: characters 1–2 pick the register (12 bits), characters 3–8 give the
 * rank (1 + leading zero bits of 36 bits). Character 1 alone is a key's visitor-set bucket, so a
 * bucket's 64 registers are exactly the slice [64·b, 64·b + 64): a bucket rebuilt from its set
 * rebuilds its slice, and deletions stay exact while the set is kept.
 *
 * A sketch is a string of 4,096 characters of KEY_ALPHABET (the register's rank, 0 = empty).
 */
import { KEY_ALPHABET } from "./partial";

export const REGISTERS = 4096;
export const SLICE = 64;

const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < KEY_ALPHABET.length; i++) VALUE[KEY_ALPHABET.charCodeAt(i)] = i;

/** The 6-bit value of a key character. */
export const keyDigit = (key: string, i: number): number => VALUE[key.charCodeAt(i) & 127];

/** The register a visitor key falls in, and its rank there (1–37). */
export function registerOf(key: string): { register: number; rank: number } {
  const register = keyDigit(key, 1) * 64 + keyDigit(key, 2);
  let rank = 1;
  for (let i = 3; i <= 8; i++) {
    const v = keyDigit(key, i);
    if (v === 0) {
      rank += 6;
      continue;
    }
    rank += Math.clz32(v) - 26;
    return { register, rank };
  }
  return { register, rank };
}

/** A mutable sketch: ranks by register. */
export function decodeSketch(s: string | null | undefined): Uint8Array {
  const r = new Uint8Array(REGISTERS);
  if (!s) return r;
  for (let i = 0; i < REGISTERS && i < s.length; i++)
    r[i] = Math.max(0, VALUE[s.charCodeAt(i) & 127]);
  return r;
}

const CODE = Uint8Array.from(KEY_ALPHABET, (c) => c.charCodeAt(0));
const ascii = new TextDecoder();

export function encodeSketch(r: Uint8Array): string {
  const out = new Uint8Array(REGISTERS);
  for (let i = 0; i < REGISTERS; i++) out[i] = CODE[r[i]];
  return ascii.decode(out);
}

/** Adds a visitor key (keeps the larger rank). */
export function addToSketch(r: Uint8Array, key: string): void {
  const { register, rank } = registerOf(key);
  if (rank > r[register]) r[register] = rank;
}

/** Merges `b` into `a` (the sketch of the union). */
export function mergeSketch(a: Uint8Array, b: Uint8Array): Uint8Array {
  for (let i = 0; i < REGISTERS; i++) if (b[i] > a[i]) a[i] = b[i];
  return a;
}

/** 2 ** -rank for every rank a register holds (0–37). */
const POWERS = Float64Array.from({ length: 64 }, (_, rank) => 2 ** -rank);

/** The estimated number of distinct keys added (HyperLogLog, with linear counting when small). */
export function estimate(r: Uint8Array): number {
  const m = REGISTERS;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < m; i++) {
    sum += POWERS[r[i]];
    if (r[i] === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const e = (alpha * m * m) / sum;
  if (e <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
  return Math.round(e);
}
