/**
 * Periods that close (docs/storage.md): a day's visitor-days are dropped `openDays` after it, a
 * month's visitor set `sealDays` after its end, by the site's clock (its latest log day). Lines
 * of a closed period still count: exactly in hits, bytes, panels and hours; as visitors and
 * visits of their own otherwise (an upper bound), and the reply says so. Receipts stay: a replay
 * is still recognised.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import { rng } from "../random";
import { DERIVED_PANELS } from "../../worker/ingest/plan-chunk";
import {
  createSite,
  lineStarts,
  MONTH_SET_SQL,
  storedFigures,
  type TestSite,
  uploadRange,
} from "./helpers";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * `copies` copies of the semicomplete log (17–20 May 2015), copy k four days later than copy
 * k − 1 and its clients' second octet XORed with k (as shared/tools/make-big-log.py does): a site
 * that grows past a month.
 */
function shiftedLog(copies: number): Uint8Array {
  const lines = semicompleteText.trimEnd().split("\n");
  const out: string[] = [];
  for (let k = 0; k < copies; k++) {
    for (const l of lines) {
      const shifted = l.replace(/\[(\d\d)\/(\w{3})\/(\d{4}):/, (_, d, m, y) => {
        const t = new Date(Date.UTC(Number(y), MONTHS.indexOf(m), Number(d) + 4 * k));
        return `[${String(t.getUTCDate()).padStart(2, "0")}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:`;
      });
      out.push(
        k === 0
          ? shifted
          : shifted.replace(/^(\d+)\.(\d+)\./, (_, a, b) => `${a}.${Number(b) ^ k}.`),
      );
    }
  }
  return new TextEncoder().encode(`${out.join("\n")}\n`);
}

/** Bytes [start, end) of the log in order, in chunks under the worker's 10 MiB limit. */
async function sendRange(site: TestSite, log: Uint8Array, start: number, end: number) {
  while (start < end) {
    const cut = end - start <= 8 << 20 ? end : log.lastIndexOf(10, start + (8 << 20)) + 1;
    await send(site, log, start, cut);
    start = cut;
  }
}

const sendAll = (site: TestSite, log: Uint8Array) => sendRange(site, log, 0, log.length);

/** Byte offsets cutting `log` into `n` chunks on line starts, in order. */
function cuts(log: Uint8Array, n: number): number[] {
  const starts = lineStarts(log);
  const out = [0];
  for (let i = 1; i < n; i++) out.push(starts[Math.floor((i * (starts.length - 1)) / n)]);
  out.push(log.length);
  return [...new Set(out)];
}

const SECRET = "periods-test-secret";
// The derived panels, and hosts (counted in the month's buckets, gone once it is sealed).
const DERIVED: string[] = [...DERIVED_PANELS, "hosts"];
const config = { siteHosts: ["semicomplete.com"] };

async function send(site: TestSite, log: Uint8Array, start: number, end: number) {
  const res = await uploadRange(site, log, start, end);
  const body = (await res.json()) as Record<string, unknown> & {
    status: string;
    late?: { hits: number; from: string; to: string; approximate: string[] };
  };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

const count = async (sql: string, siteId: number) =>
  (await env.DB.prepare(sql).bind(siteId).first<{ n: number }>())!.n;

describe("periods close by the site's clock", () => {
  // Six copies: 17 May → 9 June 2015. May is sealed once the clock passes 7 June.
  const log = shiftedLog(6);
  const bounds = cuts(log, 24);
  let ordered: TestSite;
  let whole: Awaited<ReturnType<typeof storedFigures>>;
  beforeAll(async () => {
    // The same log in one chunk, every day open until its end: the reference figures.
    const reference = await createSite("periods-whole", {
      config: { ...config, openDays: 366, sealDays: 366 },
      secret: SECRET,
    });
    await sendAll(reference, log);
    whole = await storedFigures(reference.id);
    ordered = await createSite("periods-ordered", { config, secret: SECRET });
    for (let i = 1; i < bounds.length; i++) {
      const r = await send(ordered, log, bounds[i - 1], bounds[i]);
      expect(r.late, `chunk ${i}`).toBeUndefined();
    }
  });

  it("a log shipped in order gives every figure exactly, days and months closing behind it", async () => {
    const f = await storedFigures(ordered.id);
    expect(f.months).toEqual(whole.months);
    expect(f.days).toEqual(whole.days);
    expect(f.hours).toEqual(whole.hours);
    expect(f.panels).toEqual(whole.panels);
    expect(f.panelTotals).toEqual(whole.panelTotals);
    expect(f.years).toEqual(whole.years);
  });

  it("keeps visitor-days of the open days only, and visitor sets of unsealed months only", async () => {
    const days = await env.DB.prepare(
      "SELECT DISTINCT date FROM day_buckets WHERE site_id = ?1 ORDER BY date",
    )
      .bind(ordered.id)
      .all<{ date: string }>();
    expect(days.results.map((d) => d.date)).toEqual(["2015-06-07", "2015-06-08", "2015-06-09"]);
    const months = await env.DB.prepare(
      "SELECT DISTINCT month FROM month_buckets WHERE site_id = ?1 ORDER BY month",
    )
      .bind(ordered.id)
      .all<{ month: string }>();
    expect(months.results.map((m) => m.month)).toEqual(["2015-06"]);
    const sealed = await env.DB.prepare(
      "SELECT month, sealed FROM months WHERE site_id = ?1 ORDER BY month",
    )
      .bind(ordered.id)
      .all();
    expect(sealed.results).toEqual([
      { month: "2015-05", sealed: 1 },
      { month: "2015-06", sealed: 0 },
    ]);
    // The sealed month's sketch stays, and the reference site (nothing sealed) has the same one.
    const sketch = (id: number) =>
      env.DB.prepare("SELECT month, registers FROM sketches WHERE site_id = ?1 ORDER BY month")
        .bind(id)
        .all();
    const reference = await env.DB.prepare(
      "SELECT id FROM sites WHERE name = 'periods-whole'",
    ).first<{ id: number }>();
    expect((await sketch(ordered.id)).results).toEqual((await sketch(reference!.id)).results);
    expect(await count(`SELECT count(*) AS n FROM (${MONTH_SET_SQL})`, ordered.id)).toBeGreaterThan(
      0,
    );
  });

  it("a replay of a chunk of a sealed month is still recognised", async () => {
    const r = await send(ordered, log, bounds[0], bounds[1]);
    expect(r.status).toBe("already-applied");
    const overlap = await uploadRange(ordered, log, bounds[0], bounds[2]);
    expect(overlap.status).toBe(409);
  });
});

describe("lines that arrive after their period closed", () => {
  const log = shiftedLog(6);
  const text = new TextDecoder().decode(log);
  // The first copy's last day (20 May) and the last copy's days (6–9 June).
  const may20 = text.indexOf("[20/May/2015");
  const may20Start = text.lastIndexOf("\n", may20) + 1;
  const may21 = text.indexOf("[21/May/2015");
  const may20End = text.lastIndexOf("\n", may21) + 1;
  let reference: TestSite;
  let w: Awaited<ReturnType<typeof storedFigures>>;
  beforeAll(async () => {
    // Everything in one chunk, every day open: the truth.
    reference = await createSite("periods-late-ref", {
      config: { ...config, openDays: 366, sealDays: 366 },
      secret: SECRET,
    });
    await sendAll(reference, log);
    w = await storedFigures(reference.id);
  });

  it("count exactly in hits, bytes and panels, as visitors of their own otherwise, and say so", async () => {
    const late = await createSite("periods-late", { config, secret: SECRET });
    // Late: the whole log but 20 May, then 20 May once May is sealed.
    await send(late, log, 0, may20Start);
    await sendRange(late, log, may20End, log.length);
    const r = await send(late, log, may20Start, may20End);
    expect(r.late).toMatchObject({ from: "2015-05-20", to: "2015-05-20" });
    expect(r.late!.hits).toBeGreaterThan(0);
    expect(r.late!.approximate).toEqual(expect.arrayContaining(["visits", "visitors"]));
    const a = await storedFigures(late.id);
    const b = w;
    const sum = (rows: Record<string, unknown>[], k: string) =>
      rows.reduce((n, r) => n + (r[k] as number), 0);
    expect(sum(a.months, "hits")).toBe(sum(b.months, "hits"));
    expect(sum(a.months, "bytes")).toBe(sum(b.months, "bytes"));
    expect(a.days.map((d) => [d.date, d.hits, d.bytes])).toEqual(
      b.days.map((d) => [d.date, d.hits, d.bytes]),
    );
    // Per-line panels are exact; the derived ones (pages, entry and exit pages, durations) are
    // made of visitor-days, approximate like them.
    const perLine = (f: typeof a) => f.panels.filter((p) => !DERIVED.includes(p.panel as string));
    expect(perLine(a)).toEqual(perLine(b));
    expect(a.hours.map((h) => [h.month, h.hour, h.hits, h.bytes])).toEqual(
      b.hours.map((h) => [h.month, h.hour, h.hits, h.bytes]),
    );
    // The late day's visitors and visits are counted afresh: never fewer than the truth.
    const day = (f: typeof a) => f.days.find((d) => d.date === "2015-05-20")!;
    expect(day(a).visitors as number).toBeGreaterThanOrEqual(day(b).visitors as number);
    expect(day(a).visits as number).toBeGreaterThanOrEqual(day(b).visits as number);
    // May was sealed: its visitors grew by the sketch's estimate, within a few of the truth.
    const may = (f: typeof a) => f.months.find((m) => m.month === "2015-05")!;
    expect(Math.abs((may(a).visitors as number) - (may(b).visitors as number))).toBeLessThan(
      0.03 * (may(b).visitors as number),
    );
    const lateLines = await env.DB.prepare(
      "SELECT late_lines AS n FROM months WHERE site_id = ?1 AND month = '2015-05'",
    )
      .bind(late.id)
      .first<{ n: number }>();
    expect(lateLines!.n).toBe(r.late!.hits);
  });

  it.each([8101, 8102, 8103])(
    "seed %i: any order across closing — hits, bytes and per-line panels exact; visitors never fewer",
    async (seed) => {
      const rand = rng(seed);
      const site = await createSite(`periods-shuffled-${seed}`, { config, secret: SECRET });
      const b = cuts(log, 6 + Math.floor(rand() * 10));
      const order = b.slice(1).map((end, i) => [b[i], end]);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const [start, end] of order) await send(site, log, start, end);
      const a = await storedFigures(site.id);
      expect(a.days.map((d) => [d.date, d.hits, d.bytes])).toEqual(
        w.days.map((d) => [d.date, d.hits, d.bytes]),
      );
      const perLine = (f: typeof a) => f.panels.filter((p) => !DERIVED.includes(p.panel as string));
      expect(perLine(a)).toEqual(perLine(w));
      for (const d of w.days) {
        const got = a.days.find((x) => x.date === d.date)!;
        expect(got.visitors as number, d.date as string).toBeGreaterThanOrEqual(
          d.visitors as number,
        );
      }
    },
  );
});

describe("a panel stores at most panelKeys keys", () => {
  it("past the limit, new keys count in the panel's totals only; every other figure is unchanged", async () => {
    const log = new TextEncoder().encode(semicompleteText);
    const reference = await createSite("keys-unbounded", { config, secret: SECRET });
    const bounded = await createSite("keys-bounded", {
      config: { ...config, panelKeys: 100 },
      secret: SECRET,
    });
    const starts = lineStarts(log);
    const half = starts[starts.length >> 1];
    for (const site of [reference, bounded]) {
      await send(site, log, 0, half);
      await send(site, log, half, log.length);
    }
    const r = await storedFigures(reference.id);
    const b = await storedFigures(bounded.id);
    expect(b.months).toEqual(r.months);
    expect(b.days).toEqual(r.days);
    expect(b.hours).toEqual(r.hours);
    // Totals exact, the stored keys 100 at most, and each of them as the reference has it.
    expect(b.panelTotals.map(({ n, ...t }) => t)).toEqual(r.panelTotals.map(({ n, ...t }) => t));
    let cut = 0;
    for (const t of r.panelTotals) {
      const id = `${t.period} ${t.panel}`;
      const kept = b.panels.filter((p) => p.period === t.period && p.panel === t.panel);
      const all = r.panels.filter((p) => p.period === t.period && p.panel === t.panel);
      expect(kept.length, id).toBe(Math.min(all.length, 100));
      if (all.length > 100) cut++;
      for (const row of kept)
        if (!DERIVED.includes(t.panel as string))
          expect(row, id).toEqual(all.find((x) => x.key === row.key));
    }
    expect(cut).toBeGreaterThan(3); // pages, referers, agents… of a real log pass 100 keys
  });
});
