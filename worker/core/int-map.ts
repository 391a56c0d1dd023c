/**
 * A map from 32-bit integers to non-negative integers, open addressing on one typed array of
 * (key, value) pairs, so that a probe touches one cache line: for the per-line IPv4 → id lookup,
 * where V8's Map costs a hash-table probe through heap objects.
 */
export class IntMap {
  /** Slot i holds its key at 2i and its value at 2i + 1 (-1 when the slot is empty). */
  private slots = emptySlots(1 << 12);
  private mask = (1 << 12) - 1;
  /** 32 − log2(capacity): the slot is the product's top bits (Fibonacci hashing). */
  private shift = 32 - 12;
  private count = 0;

  /** The value of `key`, or -1. */
  get(key: number): number {
    // The top bits of the product depend on every bit of the key; the low bits only on the key's
    // low bits, and addresses that differ only in their first octets would share slots.
    const s = this.slots;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const v = s[2 * i + 1];
      if (v === -1 || s[2 * i] === key) return v;
      i = (i + 1) & this.mask;
    }
  }

  set(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.mask) this.grow();
    const s = this.slots;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (s[2 * i + 1] !== -1 && s[2 * i] !== key) i = (i + 1) & this.mask;
    if (s[2 * i + 1] === -1) this.count++;
    s[2 * i] = key;
    s[2 * i + 1] = value;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = emptySlots(old.length);
    this.mask = old.length - 1;
    this.shift--;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== -1) this.set(old[i], old[i + 1]);
  }
}

/** `capacity` empty slots. */
function emptySlots(capacity: number): Int32Array {
  const s = new Int32Array(2 * capacity);
  for (let i = 1; i < s.length; i += 2) s[i] = -1;
  return s;
}
