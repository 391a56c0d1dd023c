/**
 * A map from 32-bit integers to non-negative integers, open addressing on typed arrays: for the
 * per-line IPv4 → id lookup, where V8's Map costs a hash-table probe through heap objects.
 */
export class IntMap {
  private keys = new Int32Array(1 << 12);
  private values = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;
  /** 32 − log2(capacity): the slot is the product's top bits (Fibonacci hashing). */
  private shift = 32 - 12;
  private count = 0;

  /** The value of `key`, or -1. */
  get(key: number): number {
    // The top bits of the product depend on every bit of the key; the low bits only on the key's
    // low bits, and addresses that differ only in their first octets would share slots.
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const v = this.values[i];
      if (v === -1 || this.keys[i] === key) return v;
      i = (i + 1) & this.mask;
    }
  }

  set(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.mask) this.grow();
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.values[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    if (this.values[i] === -1) this.count++;
    this.keys[i] = key;
    this.values[i] = value;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2).fill(-1);
    this.mask = keys.length * 2 - 1;
    this.shift--;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (values[i] !== -1) this.set(keys[i], values[i]);
  }
}
