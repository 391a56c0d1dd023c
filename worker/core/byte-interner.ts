import { grow } from "./grow";

/** 4,096 guesses (16 KB) per interner. */
const GUESS_SHIFT = 32 - 12;

/** Byte spellings kept per text beyond its first. */
const MAX_SPELLINGS = 8;

// ignoreBOM keeps a U+FEFF that starts a field: only the one that opens a file is dropped (pushBytes).
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** UTF-8 bytes [s, e) as text (an invalid sequence becomes U+FFFD, as when a whole log is decoded). */
export function decodeBytes(b: Uint8Array, s: number, e: number): string {
  return decoder.decode(b.subarray(s, e));
}

/**
 * Maps byte strings of a log to dense small integers (0, 1, 2…) and back to their text, without
 * decoding or slicing on the per-line path: a key is hashed and compared four bytes at a time
 * against a private copy of the bytes it was first seen as. Ids follow the text, not the bytes: two
 * spellings that decode to the same text (two different invalid UTF-8 sequences both decode to
 * U+FFFD) share one id, so a panel never gets two rows of one name.
 */
export class ByteInterner {
  /** Text of each id. */
  readonly strings: string[] = [];
  private readonly byText = new Map<string, number>();
  /** Per id, the entry of its first spelling, -1 when it was only ever given as text. */
  private firstEntry = new Int32Array(64).fill(-1);
  /** Per id, how many byte spellings other than the first have an entry. */
  private spellings = new Uint8Array(64);

  // Entries: one per distinct byte string, pointing into `store`.
  private entries = 0;
  private entryHash = new Int32Array(64);
  private entryStart = new Int32Array(64);
  private entryLength = new Int32Array(64);
  private entryId = new Int32Array(64);
  private store = new Uint8Array(1 << 12);
  private storeView = new DataView(this.store.buffer);
  private used = 0;

  /** Open addressing: slot → entry, -1 empty; the slot is the hash's top bits. */
  private table = new Int32Array(1 << 10).fill(-1);
  private shift = 32 - 10;
  /**
   * The entry last found for a key's length and first and last four bytes, by a mix of them
   * (-1 none): a guess, always checked against the key's bytes. Keys alike in those take the
   * same slot and replace each other; each then costs one failed compare more, never a wrong id.
   */
  private readonly guess = new Int32Array(1 << (32 - GUESS_SHIFT)).fill(-1);

  get size(): number {
    return this.strings.length;
  }

  /** Id of b[s, e); `view` is a DataView of the same bytes. */
  idOf(b: Uint8Array, view: DataView, s: number, e: number): number {
    const n = e - s;
    // Most keys were seen before: the guess for their length and first and last four bytes is
    // checked in place, which saves hashing the key.
    let g = -1;
    if (n >= 4) {
      g =
        Math.imul(view.getInt32(s, true) ^ view.getInt32(e - 4, true) ^ n, 0x9e3779b1) >>>
        GUESS_SHIFT;
      const entry = this.guess[g];
      if (
        entry >= 0 &&
        this.entryLength[entry] === n &&
        sameBytes(this.store, this.storeView, this.entryStart[entry], b, view, s, n)
      )
        return this.entryId[entry];
    }
    const h = hashBytes(b, view, s, e);
    const mask = this.table.length - 1;
    let i = h >>> this.shift;
    for (;;) {
      const entry = this.table[i];
      if (entry < 0) break;
      if (
        this.entryHash[entry] === h &&
        this.entryLength[entry] === n &&
        sameBytes(this.store, this.storeView, this.entryStart[entry], b, view, s, n)
      ) {
        if (g >= 0) this.guess[g] = entry;
        return this.entryId[entry];
      }
      i = (i + 1) & mask;
    }
    const text = decodeBytes(b, s, e);
    const known = this.byText.get(text);
    if (known === undefined) {
      const id = this.add(text);
      this.addEntry(i, h, b, s, n, id);
      return id;
    }
    // Another spelling of a known text (invalid bytes that decode alike). A few are remembered;
    // past that they are decoded each time they come, so crafted spellings cannot grow memory.
    if (this.spellings[known] < MAX_SPELLINGS) {
      this.spellings[known]++;
      this.addEntry(i, h, b, s, n, known);
    }
    return known;
  }

  /** Id of a text given as a string. */
  id(text: string): number {
    return this.byText.get(text) ?? this.add(text);
  }

  /** True when b[s, e) is the bytes `id` was first seen as (false for an id only given as text). */
  sameAs(id: number, b: Uint8Array, view: DataView, s: number, e: number): boolean {
    const entry = this.firstEntry[id];
    return (
      entry >= 0 &&
      this.entryLength[entry] === e - s &&
      sameBytes(this.store, this.storeView, this.entryStart[entry], b, view, s, e - s)
    );
  }

  private add(text: string): number {
    const id = this.strings.length;
    this.strings.push(text);
    this.byText.set(text, id);
    if (id === this.firstEntry.length) {
      this.firstEntry = grow(this.firstEntry, id, -1);
      this.spellings = grow(this.spellings, id);
    }
    return id;
  }

  private addEntry(slot: number, h: number, b: Uint8Array, s: number, n: number, id: number): void {
    const entry = this.entries++;
    if (entry === this.entryHash.length) {
      this.entryHash = grow(this.entryHash);
      this.entryStart = grow(this.entryStart);
      this.entryLength = grow(this.entryLength);
      this.entryId = grow(this.entryId);
    }
    if (this.used + n > this.store.length) {
      this.store = grow(this.store, this.used + n);
      this.storeView = new DataView(this.store.buffer);
    }
    this.store.set(b.subarray(s, s + n), this.used);
    this.entryHash[entry] = h;
    this.entryStart[entry] = this.used;
    this.entryLength[entry] = n;
    this.entryId[entry] = id;
    this.used += n;
    if (this.firstEntry[id] < 0) this.firstEntry[id] = entry;
    this.table[slot] = entry;
    if (this.entries * 2 > this.table.length) this.growTable();
  }

  private growTable(): void {
    this.table = new Int32Array(this.table.length * 2).fill(-1);
    this.shift--;
    const mask = this.table.length - 1;
    for (let entry = 0; entry < this.entries; entry++) {
      let i = this.entryHash[entry] >>> this.shift;
      while (this.table[i] >= 0) i = (i + 1) & mask;
      this.table[i] = entry;
    }
  }
}

/** True when b holds lit[from…] at `at` (short literals, compared a byte at a time). */
export function bytesAt(b: Uint8Array, at: number, lit: Uint8Array, from = 0): boolean {
  for (let j = from; j < lit.length; j++) if (b[at + j - from] !== lit[j]) return false;
  return true;
}

/** A 32-bit hash of b[s, e), four bytes a step (MurmurHash3's mixing). */
function hashBytes(b: Uint8Array, view: DataView, s: number, e: number): number {
  let h = e - s;
  let j = s;
  for (; j + 4 <= e; j += 4) {
    let k = Math.imul(view.getInt32(j, true), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let shift = 0; j < e; j++, shift += 8) k |= b[j] << shift;
  k = Math.imul(k, 0xcc9e2d51);
  h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * True when a[as, as + n) equals b[bs, bs + n) (a and b may be the same bytes): eight bytes a
 * step, as two words, then a word, then bytes. Keys (agents, referers) are compared on most lines:
 * eight bytes a step cost 6 % fewer instructions a line than four.
 */
export function sameBytes(
  a: Uint8Array,
  av: DataView,
  as: number,
  b: Uint8Array,
  bv: DataView,
  bs: number,
  n: number,
): boolean {
  let j = 0;
  for (; j + 8 <= n; j += 8)
    if (
      ((av.getInt32(as + j, true) ^ bv.getInt32(bs + j, true)) |
        (av.getInt32(as + j + 4, true) ^ bv.getInt32(bs + j + 4, true))) !==
      0
    )
      return false;
  if (j + 4 <= n) {
    if (av.getInt32(as + j, true) !== bv.getInt32(bs + j, true)) return false;
    j += 4;
  }
  for (; j < n; j++) if (a[as + j] !== b[bs + j]) return false;
  return true;
}
