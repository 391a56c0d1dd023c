import { describe, expect, it } from "vitest";
import { IntMap } from "../../worker/core/int-map";
import { rng } from "../random";

describe("IntMap", () => {
  it("answers as a Map does, across its growths, for any 32-bit key", () => {
    const rand = rng(99);
    const m = new IntMap();
    const ref = new Map<number, number>();
    // Addresses that differ only in their first octets, as the bench log's do, and random ones.
    const key = () =>
      rand() < 0.5 ? (Math.floor(rand() * 256) << 24) | 0x0a0b0c : (rand() * 2 ** 32) | 0;
    for (let i = 0; i < 50_000; i++) {
      const k = key();
      if (!ref.has(k)) {
        expect(m.get(k)).toBe(-1);
        m.set(k, ref.size);
        ref.set(k, ref.size);
      }
    }
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    m.set(0, 7);
    expect(m.get(0)).toBe(7);
    m.set(0, 8);
    ref.set(0, 8);
    expect(m.get(0)).toBe(8);
    for (let i = 0; i < 1000; i++) {
      const k = key();
      expect(m.get(k)).toBe(ref.get(k) ?? -1);
    }
  });
});
