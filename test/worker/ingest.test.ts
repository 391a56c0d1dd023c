import { env, SELF } from "cloudflare:test";
import { gzip } from "pako";
import { beforeAll, describe, expect, it } from "vitest";
import { HEAD_ROWS } from "../../worker/ingest/panel-head";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import { analyzeText } from "../../worker/core/analyze";
import { resolveConfig, robotRules } from "../../worker/core/config";
import { monthReport } from "../../worker/core/report";
import { geoLookup } from "../../worker/geo";
import { applyChunk } from "../../worker/ingest/apply-chunk";
import { truncateAddress } from "../../worker/ingest/privacy";
import { CHUNKS_PAGE } from "../../worker/routes/ingest";
import { createSite, dumpDatabase, sha256Hex, storedFigures, upload, uploadRange } from "./helpers";
import type { TestSite } from "./helpers";

const log = new TextEncoder().encode(semicompleteText);
const siteConfig = { siteHosts: ["semicomplete.com"] };

describe("POST /api/v1/ingest: the semicomplete log in one chunk", () => {
  let site: TestSite;
  let first: Record<string, unknown>;
  beforeAll(async () => {
    site = await createSite("semi", { config: siteConfig });
    const res = await uploadRange(site, log, 0, log.length);
    first = await res.json();
    expect(res.status).toBe(200);
  });

  it("answers applied with its counts, in a fixed number of statements", () => {
    expect(first).toMatchObject({
      status: "applied",
      lines: 10_000,
      rejected: 0,
      maxChunkBytes: 10 * 1024 * 1024,
    });
    expect(first.statements).toBeLessThanOrEqual(30);
    expect(first.queries).toBeLessThan(50);
    // D1's own count: the panels' heads, the open days' visitor buckets, the month's set…
    expect(first.rowsWritten).toBeGreaterThan(100);
    expect(first.rowsRead).toBeGreaterThan(0);
  });

  it("stores exactly what the core computes in memory for the same file", async () => {
    const r = resolveConfig(siteConfig);
    if (!r.ok) throw new Error();
    const p = analyzeText(semicompleteText, r.config, geoLookup());
    const core = monthReport("2015-05", p.months["2015-05"], robotRules(r.config));
    const res = await fetchSummary(site, "2015-05");
    expect(res).toEqual({
      hits: core.hits,
      pages: core.pages,
      bytes: core.bytes,
      visits: core.visits,
      visitors: core.visitors,
      robotHits: core.robotHits,
      rejected: 0,
      days: core.days.map(({ robotHits: _, ...d }) => d),
    });
    expect(res.hits).toBe(10_000);
    expect(res.bytes).toBe(2_747_282_740);
    const stored = await storedFigures(site.id);
    for (const [panel, rows] of Object.entries(core.panels)) {
      // The days of the week are the month's days, averaged when read: nothing of them is stored.
      if (panel === "weekdays") continue;
      const got = stored.panels
        .filter((x) => x.panel === panel && x.period === "2015-05")
        .map((x) => [x.key, x.hits, x.pages, x.bytes, x.max])
        .sort();
      // The site keeps the default privacy: clients' addresses are stored as their /24.
      const want =
        panel !== "feed-hosts" && panel !== "hosts"
          ? rows
          : Object.values(
              rows.reduce<Record<string, (typeof rows)[number]>>((acc, r) => {
                const key = truncateAddress(r.key)!;
                const t = (acc[key] ??= { key, hits: 0, pages: 0, bytes: 0, max: 0 });
                t.hits += r.hits;
                t.pages += r.pages;
                t.bytes += r.bytes;
                t.max = Math.max(t.max, r.max);
                return acc;
              }, {}),
            );
      // Hosts keeps its top 100 by name (the rest are counted in the month's buckets).
      const kept = panel === "hosts" ? topRows(want, HEAD_ROWS) : want;
      expect(got, panel).toEqual(kept.map((x) => [x.key, x.hits, x.pages, x.bytes, x.max]).sort());
    }
    expect(
      stored.hours.map((h) => [
        h.hour,
        h.hits,
        h.pages,
        h.bytes,
        h.robot_hits,
        h.visitors,
        h.visits,
      ]),
    ).toEqual(
      core.hours
        .filter((h) => h.hits > 0)
        .map((h) => [h.hour, h.hits, h.pages, h.bytes, h.robotHits, h.visitors, h.visits]),
    );
  });

  it("a repeat compressed differently (another gzip level) is still the same chunk", async () => {
    const before = await dumpDatabase();
    const res = await upload(site, { start: 0, end: log.length, body: gzip(log, { level: 1 }) });
    expect(await res.json()).toMatchObject({ status: "already-applied" });
    expect(await dumpDatabase()).toEqual(before);
  });

  it("GET /chunks lists what the worker holds of a source: ranges and the sha-256 of their log bytes", async () => {
    const held = async (q: string) =>
      (
        await SELF.fetch(`http://vigie.test/api/v1/chunks?site=semi&${q}`, {
          headers: { authorization: `Bearer ${site.agentToken}` },
        })
      ).json();
    expect(await held("source=access.log")).toEqual({
      source: "access.log",
      chunks: [{ start: 0, end: log.length, sha256: await sha256Hex(log) }],
      more: false,
    });
    expect(await held(`source=access.log&from=${log.length - 1}`)).toMatchObject({
      chunks: [{ start: 0 }],
    });
    expect(await held(`source=access.log&from=${log.length}`)).toEqual({
      source: "access.log",
      chunks: [],
      more: false,
    });
    expect(await held("source=other.log")).toEqual({
      source: "other.log",
      chunks: [],
      more: false,
    });
    expect(await held("from=-1&source=access.log")).toMatchObject({
      error: { code: "bad_request" },
    });
  });

  it("GET /chunks pages its answer: CHUNKS_PAGE chunks, then the rest from the last end", async () => {
    const other = await createSite("many");
    const n = CHUNKS_PAGE + 5;
    const rows = Array.from({ length: n }, (_, i) =>
      env.DB.prepare(
        `INSERT INTO chunks (site_id, source, start, "end", sha256, lines, rejected, applied_at) VALUES (?1, 's', ?2, ?3, 'x', 1, 0, 0)`,
      ).bind(other.id, i * 10, i * 10 + 10),
    );
    await env.DB.batch(rows);
    const get = async (from: number) =>
      (
        await SELF.fetch(`http://vigie.test/api/v1/chunks?site=many&source=s&from=${from}`, {
          headers: { authorization: `Bearer ${other.agentToken}` },
        })
      ).json() as Promise<{ chunks: { start: number; end: number }[]; more: boolean }>;
    const first = await get(0);
    expect(first.chunks).toHaveLength(CHUNKS_PAGE);
    expect(first.more).toBe(true);
    const rest = await get(first.chunks.at(-1)!.end);
    expect(rest.chunks.map((c) => c.start)).toEqual(
      [1000, 1001, 1002, 1003, 1004].map((i) => i * 10),
    );
    expect(rest.more).toBe(false);
  });

  it("a repeat answers already-applied and changes nothing", async () => {
    const before = await dumpDatabase();
    const res = await uploadRange(site, log, 0, log.length);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "already-applied", lines: 10_000 });
    expect(await dumpDatabase()).toEqual(before);
  });
});

describe("rejected lines keep samples, inside a run or not", () => {
  it("an upload without &run= keeps its rejected lines' samples, the month's latest 20", async () => {
    const site = await createSite("samples");
    const good = (i: number) =>
      `192.0.2.1 - - [17/May/2015:10:00:${String(i % 60).padStart(2, "0")} +0000] "GET / HTTP/1.1" 200 10 "-" "Mozilla/5.0"`;
    let offset = 0;
    for (let round = 0; round < 8; round++) {
      const text = `${[good(round), `garbage line ${round}`, `more garbage ${round}`, `x ${round}`, good(round + 1)].join("\n")}\n`;
      const bytes = new TextEncoder().encode(text);
      const res = await upload(site, {
        start: offset,
        end: offset + bytes.length,
        body: gzip(bytes),
      });
      expect(res.status).toBe(200);
      offset += bytes.length;
    }
    const m = await SELF.fetch("http://vigie.test/api/v1/sites/samples/months/2015-05", {
      headers: { authorization: `Bearer ${site.readToken}` },
    }).then((r) => r.json() as Promise<{ rejected: number; rejectedSamples: { text: string }[] }>);
    expect(m.rejected).toBe(24);
    const kept = await env.DB.prepare(
      "SELECT count(*) AS n FROM rejected_samples WHERE site_id = ?1 AND month = '2015-05'",
    )
      .bind(site.id)
      .first<{ n: number }>();
    expect(kept!.n).toBe(20);
    expect(m.rejectedSamples.length).toBeGreaterThan(0);
    expect(m.rejectedSamples.map((s) => s.text)).toContain("garbage line 7");
  });
});

describe("bad input gets a clear JSON error and writes nothing", () => {
  let site: TestSite;
  const cut = log.subarray(0, 2400).lastIndexOf(10) + 1;
  beforeAll(async () => {
    site = await createSite("bad", { config: siteConfig });
    expect((await uploadRange(site, log, 0, cut)).status).toBe(200);
  });

  const cases: [string, () => Promise<Response>, number, string][] = [
    [
      "wrong token",
      () => uploadRange(site, log, cut, 2 * cut, { token: "vga_wrong" }),
      401,
      "unauthorized",
    ],
    [
      "no token",
      () => upload(site, { start: 0, end: 1, body: gzip("x\n"), token: "" }),
      401,
      "unauthorized",
    ],
    [
      "a read token",
      () => uploadRange(site, log, cut, 2 * cut, { token: site.readToken }),
      401,
      "unauthorized",
    ],
    [
      // As a wrong token: the answer never tells which site names exist.
      "unknown site",
      () => uploadRange(site, log, cut, 2 * cut, { site: "nope" }),
      401,
      "unauthorized",
    ],
    [
      "not gzip",
      () => upload(site, { start: cut, end: 2 * cut, body: log.subarray(cut, 2 * cut) }),
      400,
      "not_gzip",
    ],
    [
      "corrupt gzip",
      () => {
        const g = gzip(log.subarray(cut, 2 * cut));
        g[g.length - 6] ^= 0xff;
        return upload(site, { start: cut, end: 2 * cut, body: g });
      },
      400,
      "corrupt_gzip",
    ],
    [
      "truncated gzip",
      () =>
        upload(site, {
          start: cut,
          end: 2 * cut,
          body: gzip(log.subarray(cut, 2 * cut)).subarray(0, 100),
        }),
      400,
      "corrupt_gzip",
    ],
    [
      "wrong checksum",
      () => uploadRange(site, log, cut, 2 * cut, { sha: "0".repeat(64) }),
      400,
      "bad_checksum",
    ],
    [
      "range longer than the body",
      () => upload(site, { start: cut, end: 3 * cut, body: gzip(log.subarray(cut, 2 * cut)) }),
      400,
      "bad_request",
    ],
    ["a cut line", () => uploadRange(site, log, cut, 2 * cut + 5), 400, "bad_request"],
    [
      "a range over the limit",
      () => upload(site, { start: 0, end: 11 * 1024 * 1024, body: gzip("x\n") }),
      413,
      "too_large",
    ],
    [
      "a body over the limit",
      () => upload(site, { start: cut, end: 2 * cut, body: new Uint8Array(10 * 1024 * 1024 + 1) }),
      413,
      "too_large",
    ],
    [
      "a gzip bomb",
      () =>
        upload(site, { start: cut, end: cut + 1000, body: gzip(new Uint8Array(11 * 1024 * 1024)) }),
      413,
      "too_large",
    ],
    ["an overlapping range", () => uploadRange(site, log, 0, lineEnd(cut + 10)), 409, "conflict"],
    [
      "the same range, other content",
      () => {
        const other = log.slice(0, cut);
        other[0] = 57;
        return upload(site, { start: 0, end: cut, body: gzip(other) });
      },
      409,
      "conflict",
    ],
    [
      "end before start",
      () => upload(site, { start: 10, end: 5, body: gzip("x\n") }),
      400,
      "bad_request",
    ],
    [
      "a bad format",
      () => uploadRange(site, log, cut, lineEnd(2 * cut), { query: "&format=%25h%20%25Z" }),
      400,
      "bad_request",
    ],
    [
      "an unknown run",
      () => uploadRange(site, log, cut, lineEnd(2 * cut), { query: "&run=999" }),
      404,
      "not_found",
    ],
  ];
  it.each(cases.map(([name, send, status, code]) => ({ name, send, status, code })))(
    "$name → $status $code",
    async ({ send, status, code }) => {
      const before = await dumpDatabase();
      const res = await send();
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(5);
      expect(await dumpDatabase()).toEqual(before);
    },
  );

  it("a multi-member gzip body (cat a.gz b.gz) is one chunk", async () => {
    const end = lineEnd(3 * cut);
    const a = gzip(log.subarray(cut, lineEnd(2 * cut)));
    const b = gzip(log.subarray(lineEnd(2 * cut), end));
    const body = new Uint8Array([...a, ...b]);
    const res = await upload(site, { start: cut, end, body });
    expect(await res.json()).toMatchObject({ status: "applied" });
  });

  function lineEnd(at: number): number {
    return log.indexOf(10, at) + 1;
  }
});

describe("a D1 failure in the middle of a chunk's batch leaves no partial counters", () => {
  it.each([1, 3, 5, 8, 12])("failure injected before statement %i", async (failAt) => {
    const site = await createSite(`fail-${failAt}`, { config: siteConfig });
    const r = resolveConfig(siteConfig);
    if (!r.ok) throw new Error();
    const text = semicompleteText.slice(0, semicompleteText.indexOf("\n", 200_000) + 1);
    const before = await dumpDatabase();
    const chunk = {
      siteId: site.id,
      source: "access.log",
      start: 0,
      end: new TextEncoder().encode(text).length,
      sha256: await sha256Hex(new TextEncoder().encode(text)),
      runId: 0,
      partial: analyzeText(text, r.config, geoLookup()),
      analysisMs: 1,
      rules: robotRules(r.config),
      lifecycle: { openDays: 2, sealDays: 7, panelKeys: 20_000 },
      gap: 1800,
      now: 1,
    };
    await expect(applyChunk(env.DB, chunk, { failAt })).rejects.toThrow(
      /NOT NULL constraint failed: guard\.ok/,
    );
    expect(await dumpDatabase()).toEqual(before);
    // and the same chunk then applies cleanly
    expect((await applyChunk(env.DB, chunk)).status).toBe("applied");
  });
});

/** The first `n` rows in report order. */
function topRows<R extends { key: string; hits: number; pages: number }>(
  rows: R[],
  n: number,
): R[] {
  return [...rows]
    .sort((a, b) => b.hits - a.hits || b.pages - a.pages || (a.key < b.key ? -1 : 1))
    .slice(0, n);
}

async function fetchSummary(site: TestSite, month: string) {
  const { SELF } = await import("cloudflare:test");
  const res = await SELF.fetch(
    `http://vigie.test/api/v1/sites/${site.name}/summary?month=${month}`,
    { headers: { authorization: `Bearer ${site.readToken}` } },
  );
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown> & { hits: number; bytes: number };
}

describe("keys a log spells like an object's own names", () => {
  it("__proto__ and constructor as search terms and referer are stored and shown like any other", async () => {
    const site = await createSite("proto-keys");
    const ua = "Mozilla/5.0 (X11; Linux x86_64; rv:38.0) Gecko/20100101 Firefox/38.0";
    const text = `${[
      ["10:00", "https://www.google.com/search?q=__proto__"],
      ["10:01", "https://www.google.com/search?q=constructor"],
      ["10:02", "__proto__"],
    ]
      .map(
        ([t, ref]) =>
          `192.0.2.1 - - [17/May/2015:${t}:00 +0000] "GET / HTTP/1.1" 200 100 "${ref}" "${ua}"`,
      )
      .join("\n")}\n`;
    const log = new TextEncoder().encode(text);
    expect((await uploadRange(site, log, 0, log.length)).status).toBe(200);
    const res = await SELF.fetch(
      `http://vigie.test/api/v1/sites/${site.name}/months/2015-05?limit=10`,
      { headers: { authorization: `Bearer ${site.readToken}` } },
    );
    expect(res.status).toBe(200);
    const m = (await res.json()) as { panels: Record<string, { rows: { key: string }[] }> };
    const keys = (id: string) => m.panels[id].rows.map((r) => r.key).sort();
    expect(keys("keywords")).toEqual(["__proto__", "constructor"]);
    expect(keys("referers")).toContain("__proto__");
  });
});
