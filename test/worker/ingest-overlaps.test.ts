import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import { analyzeText } from "../../worker/core/analyze";
import { resolveConfig } from "../../worker/core/config";
import { geoLookup } from "../../worker/geo";
import { rng } from "../random";
import type { TestSite } from "./helpers";
import {
  createSite,
  dumpDatabase,
  lineStarts,
  sha256Hex,
  storedFigures,
  uploadRange,
} from "./helpers";

// Exactly once, against a model (issue 18): random byte ranges of one source, of every shape
// against the ranges already applied (a replay, inside, covering, overlapping on the left or the
// right, the same start with another end, the same end with another start, adjacent, apart),
// sent through the real ingest route. The model decides each answer from the ranges alone: the
// same range is "already-applied", any overlap is a 409, anything else is applied. Every refusal
// must write nothing; after every step the receipts (GET /chunks) and the month's lines, hits and
// bytes must be the model's; at the end every stored figure equals a reference site's that got
// the same lines once. So a replay applied again, an overlap let through, or an overlap check
// narrowed to `start = ?` shows in the figures and receipts, whatever the primary keys do.

/** One secret for every site here: their visitor keys, sets and sketches then compare. */
const SECRET = "overlaps";
const lines = semicompleteText
  .split("\n")
  .slice(0, 120)
  .map((l) => `${l}\n`);
const log = new TextEncoder().encode(lines.join(""));
/** Byte offset of each line's start, then the log's end. */
const starts = lineStarts(log);
const config = { siteHosts: ["semicomplete.com"] };
const resolved = resolveConfig(config);
if (!resolved.ok) throw new Error("config");
/** Each line's own bytes, as the analysis counts them. */
const lineBytes = lines.map((l) => {
  const p = analyzeText(l, resolved.config, geoLookup());
  const m = Object.values(p.months)[0];
  return m.hours.reduce((a, v, i) => (i % 4 === 2 ? a + v : a), 0);
});

type Range = [number, number]; // line indices [i, j)
const SHAPES = [
  "apart",
  "replay",
  "inside",
  "covering",
  "left",
  "right",
  "same start, other end",
  "same end, other start",
  "adjacent before",
  "adjacent after",
] as const;
type Shape = (typeof SHAPES)[number];

/** A range of the given shape against `a` (null when the log's edges do not allow it). */
function shaped(shape: Shape, a: Range, rand: () => number): Range | null {
  const [s, e] = a;
  const n = lines.length;
  const pick = (lo: number, hi: number) =>
    hi < lo ? null : lo + Math.floor(rand() * (hi - lo + 1));
  const r = (x: number | null, y: number | null): Range | null =>
    x === null || y === null || x >= y || x < 0 || y > n ? null : [x, y];
  switch (shape) {
    case "replay":
      return [s, e];
    case "inside": {
      const x = pick(s + 1, e - 2);
      return r(x, x === null ? null : pick(x + 1, e - 1));
    }
    case "covering":
      return r(pick(0, s - 1), pick(e + 1, n));
    case "left":
      return r(pick(0, s - 1), pick(s + 1, e - 1));
    case "right":
      return r(pick(s + 1, e - 1), pick(e + 1, n));
    case "same start, other end": {
      const y = rand() < 0.5 ? pick(s + 1, e - 1) : pick(e + 1, n);
      return r(s, y);
    }
    case "same end, other start": {
      const x = rand() < 0.5 ? pick(s + 1, e - 1) : pick(0, s - 1);
      return r(x, e);
    }
    case "adjacent before":
      return r(pick(Math.max(0, s - 8), s - 1), s);
    case "adjacent after":
      return r(e, pick(e + 1, Math.min(n, e + 8)));
    case "apart": {
      const x = pick(0, n - 1);
      return r(x, x === null ? null : pick(x + 1, Math.min(n, x + 10)));
    }
  }
}

const overlaps = (a: Range, b: Range) => a[0] < b[1] && b[0] < a[1];

async function receipts(site: TestSite) {
  const res = await SELF.fetch(`http://vigie.test/api/v1/chunks?site=${site.name}&source=s`, {
    headers: { authorization: `Bearer ${site.agentToken}` },
  });
  return ((await res.json()) as { chunks: unknown[] }).chunks;
}

async function monthSums(siteId: number) {
  return env.DB.prepare(
    "SELECT COALESCE(SUM(lines), 0) AS lines, COALESCE(SUM(hits), 0) AS hits, COALESCE(SUM(bytes), 0) AS bytes FROM months WHERE site_id = ?1",
  )
    .bind(siteId)
    .first<{ lines: number; hits: number; bytes: number }>();
}

describe("overlaps of every shape, against a model (property test, 3 seeded runs)", () => {
  const seen = new Map<Shape, Set<string>>();
  // Each run starts from an empty database, so that its "nothing written" dumps stay small.
  beforeEach(async () => {
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
    ).all<{ name: string }>();
    await env.DB.batch(tables.results.map((t) => env.DB.prepare(`DELETE FROM "${t.name}"`)));
  });

  it.each([18001, 18002, 18003])("seed %i", async (seed) => {
    const rand = rng(seed);
    const site = await createSite(`overlaps-${seed}`, { config, secret: SECRET });
    const applied: Range[] = [];
    for (let step = 0; step < 40; step++) {
      const shape: Shape =
        applied.length === 0 ? "apart" : SHAPES[Math.floor(rand() * SHAPES.length)];
      const base = applied[Math.floor(rand() * applied.length)] ?? [0, 1];
      const range = shaped(shape, base, rand);
      if (!range) continue;
      const same = applied.some((a) => a[0] === range[0] && a[1] === range[1]);
      const want = same
        ? "already-applied"
        : applied.some((a) => overlaps(a, range))
          ? "conflict"
          : "applied";
      const before = want === "applied" ? null : await dumpDatabase();
      const res = await uploadRange(site, log, starts[range[0]], starts[range[1]], {
        source: "s",
      });
      const body = (await res.json()) as { status?: string; error?: { code: string } };
      const got = res.status === 409 ? body.error?.code : body.status;
      expect(
        [res.status, got],
        `seed ${seed} step ${step}: ${shape} [${range}] against ${JSON.stringify(applied)}`,
      ).toEqual([want === "conflict" ? 409 : 200, want]);
      if (before) expect(await dumpDatabase()).toEqual(before);
      else applied.push(range);
      if (!seen.has(shape)) seen.set(shape, new Set());
      seen.get(shape)!.add(want);

      const sorted = [...applied].sort((a, b) => a[0] - b[0]);
      const want_receipts = await Promise.all(
        sorted.map(async ([i, j]) => ({
          start: starts[i],
          end: starts[j],
          sha256: await sha256Hex(log.subarray(starts[i], starts[j])),
        })),
      );
      expect(await receipts(site)).toEqual(want_receipts);
      const held = sorted.flatMap(([i, j]) => Array.from({ length: j - i }, (_, k) => i + k));
      expect(await monthSums(site.id)).toEqual({
        lines: held.length,
        hits: held.length,
        bytes: held.reduce((a, i) => a + lineBytes[i], 0),
      });
    }

    // Every figure, against a site that got the same lines once, each contiguous run as one chunk.
    const reference = await createSite(`overlaps-ref-${seed}`, { config, secret: SECRET });
    const runs: Range[] = [];
    for (const r of [...applied].sort((a, b) => a[0] - b[0])) {
      const last = runs.at(-1);
      if (last && last[1] === r[0]) last[1] = r[1];
      else runs.push([...r]);
    }
    for (const [i, j] of runs)
      expect(
        (await uploadRange(reference, log, starts[i], starts[j], { source: "s" })).status,
      ).toBe(200);
    expect(await storedFigures(site.id)).toEqual(await storedFigures(reference.id));
  });

  it("met every shape, and adjacent ranges were applied, never refused", () => {
    expect(new Set(seen.keys())).toEqual(new Set(SHAPES));
    for (const shape of ["inside", "covering", "left", "right"] as const)
      expect(seen.get(shape), shape).toEqual(new Set(["conflict"]));
    expect(seen.get("replay")).toEqual(new Set(["already-applied"]));
    expect(seen.get("same start, other end")).toEqual(new Set(["conflict"]));
    expect(seen.get("same end, other start")).toEqual(new Set(["conflict"]));
    for (const shape of ["adjacent before", "adjacent after"] as const)
      expect(seen.get(shape), shape).toContain("applied");
  });
});
