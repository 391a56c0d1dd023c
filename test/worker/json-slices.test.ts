import { describe, expect, it } from "vitest";
import { jsonSlices } from "../../worker/db/json-slices";

describe("jsonSlices: rows as JSON arrays a statement binds", () => {
  const rows = Array.from({ length: 500 }, (_, i) => [`2015-05-${i % 30}`, i, { a: [i, 'x"y'] }]);

  it("all in one array when they fit, none for no rows", () => {
    expect(jsonSlices(rows)).toEqual([JSON.stringify(rows)]);
    expect(jsonSlices([])).toEqual([]);
  });

  it.each([40, 200, 1000, 5000])(
    "in arrays of at most %i characters when they do not (a row alone may be longer)",
    (max) => {
      const slices = jsonSlices(rows, max);
      expect(slices.length).toBeGreaterThan(1);
      const longest = Math.max(...rows.map((r) => JSON.stringify(r).length + 2));
      for (const s of slices) expect(s.length).toBeLessThanOrEqual(Math.max(max, longest));
      expect(slices.flatMap((s) => JSON.parse(s))).toEqual(rows);
    },
  );
});
