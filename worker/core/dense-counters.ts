import { grow } from "./grow";
import { IntMap } from "./int-map";

/**
 * Columns of every panel row, [hits, pages, bytes, max]: summed, except MAX which keeps the
 * largest value seen. The writers name the two columns they address by position.
 */
export const PAGES = 1;
export const MAX = 3;
const STRIDE = 4;

/** Counters indexed by a dense id (an Interner's), stored flat in one growable Float64Array. */
export class DenseCounters {
  data = new Float64Array(64 * STRIDE);

  add(id: number, hits: number, pages: number, bytes: number): void {
    const at = id * STRIDE;
    if (at >= this.data.length) this.grow(at);
    const d = this.data;
    d[at] += hits;
    d[at + 1] += pages;
    d[at + 2] += bytes;
  }

  max(id: number, value: number): void {
    const at = id * STRIDE + MAX;
    if (at >= this.data.length) this.grow(at);
    if (value > this.data[at]) this.data[at] = value;
  }

  /** Calls `fn` for every id that was counted, with its four columns. */
  forEach(fn: (id: number, hits: number, pages: number, bytes: number, max: number) => void): void {
    const d = this.data;
    for (let id = 0; id * STRIDE < d.length; id++) {
      const at = id * STRIDE;
      if (d[at] !== 0 || d[at + 3] !== 0) fn(id, d[at], d[at + 1], d[at + 2], d[at + 3]);
    }
  }

  private grow(at: number): void {
    this.data = grow(this.data, at + STRIDE);
  }
}

/**
 * The same counters for ids spread thin (the hosts: client ids run to the hundred thousands over
 * a log, and a month sees a few thousand of them): a slot per id counted, not per id up to the
 * largest. `forEach` visits ids in ascending order, as DenseCounters does.
 */
export class SparseCounters {
  private readonly slots = new IntMap();
  private readonly ids: number[] = [];
  private data = new Float64Array(64 * STRIDE);

  add(id: number, hits: number, pages: number, bytes: number): void {
    let slot = this.slots.get(id);
    if (slot < 0) {
      slot = this.ids.length;
      this.slots.set(id, slot);
      this.ids.push(id);
      if (slot * STRIDE >= this.data.length) this.data = grow(this.data, slot * STRIDE + STRIDE);
    }
    const at = slot * STRIDE;
    const d = this.data;
    d[at] += hits;
    d[at + 1] += pages;
    d[at + 2] += bytes;
  }

  /** Calls `fn` for every id that was counted, in ascending order, with its four columns. */
  forEach(fn: (id: number, hits: number, pages: number, bytes: number, max: number) => void): void {
    const d = this.data;
    const ids = this.ids;
    const order = Array.from(ids.keys()).sort((a, b) => ids[a] - ids[b]);
    for (const slot of order) {
      const at = slot * STRIDE;
      if (d[at] !== 0 || d[at + 3] !== 0) fn(ids[slot], d[at], d[at + 1], d[at + 2], d[at + 3]);
    }
  }
}
