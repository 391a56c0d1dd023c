import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { jsonSlices, jsonTextSlices, objectText } from "../../worker/db/json-slices";
import { readTails, type TailDbRow, writeTails } from "../../worker/db/queries/panel-store";
import { createSite } from "./helpers";

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

describe("objectText and jsonTextSlices: merge patches written straight from Maps", () => {
  it("an object's text from pairs (a null kept, keys escaped), nested one level when asked", () => {
    const visitors = new Map<string, number | null>([
      ["AbC", 3],
      ['x"y', null],
    ]);
    expect(JSON.parse(objectText(visitors))).toEqual({ AbC: 3, 'x"y': null });
    const days = new Map([["addr", new Map([["v1", [1, [["/", 1, 2]]]]])]]);
    expect(JSON.parse(objectText(days, true))).toEqual({ addr: { v1: [1, [["/", 1, 2]]] } });
    expect(objectText([])).toBe("{}");
  });

  it("texts packed as jsonSlices packs rows", () => {
    const rows = Array.from({ length: 300 }, (_, i) => [`2015-05-${i % 30}`, i, { a: [i] }]);
    const texts = rows.map((r) => JSON.stringify(r));
    for (const max of [50, 1000, 1_000_000]) {
      expect(jsonTextSlices(texts, max)).toEqual(jsonSlices(rows, max));
      expect(jsonTextSlices(texts, max).flatMap((s) => JSON.parse(s))).toEqual(rows);
    }
    expect(jsonTextSlices([])).toEqual([]);
  });
});

describe("readTails: the tail rows of named keys, grouped by period and panel", () => {
  it("reads every row named, long keys and many panels included, in statements that bind little", async () => {
    const site = await createSite("read-tails");
    // 150 keys of 8,000 characters in one panel (more than a statement binds), short keys in two more.
    const long = Array.from(
      { length: 150 },
      (_, i) => `/${String(i).padStart(3, "0")}${"x".repeat(7996)}`,
    );
    const rows: TailDbRow[] = [
      ...long.map((key, i) => ({ period: "2015-05", panel: "pages", key, hits: i + 1 })),
      ...["a", "b", 'c"d'].map((key, i) => ({
        period: "2015-05",
        panel: "referers",
        key,
        hits: i + 1,
      })),
      { period: "2015", panel: "pages", key: "/a", hits: 7 },
    ].map((r) => ({ ...r, pages: 0, bytes: 0, max: 0, changedRun: null, hitsBefore: 0 }));
    await env.DB.batch(writeTails(env.DB, site.id, rows));
    const named: [string, string, string][] = [
      ...rows.map((r): [string, string, string] => [r.period, r.panel, r.key]),
      ["2015-05", "pages", "/not-stored"],
      ["2015-06", "referers", "a"],
    ];
    const statements = readTails(env.DB, site.id, named);
    expect(statements.length).toBeGreaterThan(1);
    const read = (await env.DB.batch(statements)).flatMap((r) => r.results as TailDbRow[]);
    const key = (r: TailDbRow) => `${r.period} ${r.panel} ${r.key}`;
    expect(read.map(key).sort()).toEqual(rows.map(key).sort());
    expect(read.find((r) => r.key === 'c"d')?.hits).toBe(3);
  });
});
