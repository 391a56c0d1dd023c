import { describe, expect, it } from "vitest";
import { DenseCounters, SparseCounters } from "../../worker/core/dense-counters";
import { type Row, rowsOf, topRowsOf } from "../../worker/core/panels";
import { rng } from "../random";

const rows = (c: DenseCounters | SparseCounters) => {
  const out: number[][] = [];
  c.forEach((id, hits, pages, bytes, max) => {
    out.push([id, hits, pages, bytes, max]);
  });
  return out;
};

describe("panel counters and rows", () => {
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

  it("topRowsOf is the first n rows of rowsOf, ties on hits and pages included", () => {
    const rand = rng(8);
    for (const size of [0, 1, 99, 100, 101, 5_000]) {
      const panel: Record<string, Row> = {};
      for (let i = 0; i < size; i++) {
        // Few distinct counts, so that most rows tie on hits and pages and their keys decide.
        panel[`10.0.${Math.floor(rand() * 256)}.${i % 256}`] = [
          1 + Math.floor(rand() * 4),
          Math.floor(rand() * 2),
          Math.floor(rand() * 1000),
          0,
        ];
      }
      for (const n of [1, 10, 100]) expect(topRowsOf(panel, n)).toEqual(rowsOf(panel).slice(0, n));
    }
  });
});
