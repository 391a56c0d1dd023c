import { describe, expect, it } from "vitest";
import { DenseCounters, SparseCounters } from "../../worker/core/dense-counters";
import { rng } from "../random";

const rows = (c: DenseCounters | SparseCounters) => {
  const out: number[][] = [];
  c.forEach((id, hits, pages, bytes, max) => {
    out.push([id, hits, pages, bytes, max]);
  });
  return out;
};

describe("panel counters", () => {
  it("SparseCounters counts as DenseCounters does, ids in ascending order", () => {
    const rand = rng(7);
    const dense = new DenseCounters();
    const sparse = new SparseCounters();
    for (let i = 0; i < 20_000; i++) {
      // Ids spread thin, as a month's clients among a log's.
      const id = Math.floor(rand() * 200_000);
      const hits = 1 + Math.floor(rand() * 5);
      const pages = Math.floor(rand() * 3);
      const bytes = Math.floor(rand() * 100_000);
      dense.add(id, hits, pages, bytes);
      sparse.add(id, hits, pages, bytes);
    }
    const want = rows(dense);
    expect(want.length).toBeGreaterThan(15_000);
    expect(rows(sparse)).toEqual(want);
  });
});
