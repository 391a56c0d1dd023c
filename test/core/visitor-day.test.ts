import { describe, expect, it } from "vitest";
import type { Span } from "../../worker/core/visitor-day";
import { addSpan, stringBefore } from "../../worker/core/visitor-day";
import { VisitorDayTable } from "../../worker/core/visitor-day-table";
import { rng } from "../random";

interface Hit {
  at: number;
  page: string | null;
}

/** Visits by the definition, from scratch: hits sorted by time, cut where the gap is over `gap`. */
function visitsOf(hits: Hit[], gap: number): Span<string>[] {
  const sorted = [...hits].sort((a, b) => a.at - b.at);
  const out: Span<string>[] = [];
  for (const h of sorted) {
    let v = out[out.length - 1];
    if (v === undefined || h.at - v.end > gap)
      out.push((v = { start: h.at, end: h.at, entryAt: -1, entry: null, exitAt: -1, exit: null }));
    v.end = h.at;
    if (
      h.page !== null &&
      (v.entryAt < 0 || h.at < v.entryAt || (h.at === v.entryAt && h.page < v.entry!))
    ) {
      v.entryAt = h.at;
      v.entry = h.page;
    }
    // The exit: the latest page; in the same second, the larger path.
    if (
      h.page !== null &&
      (v.exitAt < 0 || h.at > v.exitAt || (h.at === v.exitAt && h.page > v.exit!))
    ) {
      v.exitAt = h.at;
      v.exit = h.page;
    }
  }
  return out;
}

/** One hit as a span of its own. */
const spanOf = (h: Hit): Span<string> => ({
  start: h.at,
  end: h.at,
  entryAt: h.page === null ? -1 : h.at,
  entry: h.page,
  exitAt: h.page === null ? -1 : h.at,
  exit: h.page,
});

const GAP = 1800;
const JITTERS: [string, number][] = [
  ["in time order", 0],
  ["a few seconds back now and then (servers log when a request ends)", 30],
  ["up to two hours back", 7200],
  ["in any order", 86_400],
];

/** A burst of up to `most` hits: some over the gap apart, some exactly at it; half of them pages. */
function burst(rand: () => number, most: number): Hit[] {
  const hits: Hit[] = [];
  let t = Math.floor(rand() * 3600);
  const n = 1 + Math.floor(rand() * most);
  for (let i = 0; i < n; i++) {
    const r = rand();
    t += r < 0.1 ? GAP : r < 0.2 ? GAP + 1 + Math.floor(rand() * 5000) : Math.floor(rand() * 120);
    hits.push({ at: t, page: rand() < 0.5 ? `/p${Math.floor(rand() * 4)}` : null });
  }
  return hits;
}

/** When each hit arrives: its time, moved back by up to `jitter` seconds of the log (any order at a day). */
const arrivalKey = (rand: () => number, h: Hit, i: number, jitter: number) =>
  jitter === 86_400 ? rand() : h.at - rand() * jitter + i * 1e-6;

describe("addSpan: visits of one visitor-day, whatever the order of its hits", () => {
  it.each(JITTERS)("hits %s give the visits of the definition", (_name, jitter) => {
    const rand = rng(jitter + 17);
    for (let round = 0; round < 300; round++) {
      const hits = burst(rand, 40);
      const arrival = hits
        .map((h, i) => ({ h, key: arrivalKey(rand, h, i, jitter) }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.h);
      const spans: Span<string>[] = [];
      for (const h of arrival) addSpan(spans, spanOf(h), GAP, stringBefore);
      expect(spans).toEqual(visitsOf(hits, GAP));
    }
  });
});

describe("VisitorDayTable: the analyzer's visitor-days, as columns", () => {
  const PAGES = ["/p0", "/p1", "/p2", "/p3"];
  it.each(JITTERS)(
    "interleaved visitor-days with hits %s give the visits of the definition and the sums",
    (_name, jitter) => {
      const rand = rng(jitter + 99);
      for (let round = 0; round < 20; round++) {
        const table = new VisitorDayTable(GAP, PAGES);
        // 30 visitor-days (2 days × 5 clients × 3 agents), their hits shuffled together by arrival.
        const all: { key: [number, number, number]; h: Hit; arrival: number }[] = [];
        const byKey = new Map<string, Hit[]>();
        for (let day = 0; day < 2; day++)
          for (let client = 0; client < 5; client++)
            for (let agent = 0; agent < 3; agent++) {
              const hits = burst(rand, 30);
              hits.forEach((h, i) => {
                all.push({
                  key: [day + 16_000, client * 7, agent],
                  h,
                  arrival: arrivalKey(rand, h, i, jitter),
                });
              });
              byKey.set(`${day + 16_000} ${client * 7} ${agent}`, hits);
            }
        all.sort((a, b) => a.arrival - b.arrival);
        for (const {
          key: [day, client, agent],
          h,
        } of all) {
          const row = table.idOf(day, client, agent);
          table.hits[row]++;
          table.addHit(row, h.at, h.page === null ? -1 : PAGES.indexOf(h.page));
        }
        expect(table.size).toBe(30);
        for (const [key, hits] of byKey) {
          const [day, client, agent] = key.split(" ").map(Number);
          const v = table.toVisitorDay(table.idOf(day, client, agent), "addr");
          expect(v.hits).toBe(hits.length);
          expect(v.spans).toEqual(visitsOf(hits, GAP));
        }
        expect(table.size).toBe(30);
      }
    },
  );

  it("gives one row per (day, client, agent) as its tables grow, with days in time order, interleaved or back again", () => {
    const rand = rng(7);
    for (const order of ["by day", "days interleaved"] as const) {
      const table = new VisitorDayTable(GAP, PAGES);
      const rows = new Map<string, number>();
      const given = new Set<number>();
      // 3 days × 700 clients × 1–3 agents: each day's table grows several times.
      const keys: [number, number, number][] = [];
      for (let day = 0; day < 3; day++)
        for (let client = 0; client < 700; client++)
          for (let agent = 0; agent <= client % 3; agent++)
            keys.push([16_000 + day, client, agent]);
      const lines = [...keys, ...keys, ...keys].map((k) => ({
        k,
        at: order === "by day" ? k[0] + rand() : rand(),
      }));
      lines.sort((a, b) => a.at - b.at);
      for (const { k } of lines) {
        const row = table.idOf(...k);
        const key = k.join(" ");
        const known = rows.get(key);
        if (known === undefined) {
          expect(given.has(row)).toBe(false);
          rows.set(key, row);
          given.add(row);
        } else expect(row).toBe(known);
        expect([table.day[row], table.client[row], table.agent[row]]).toEqual(k);
      }
      expect(table.size).toBe(keys.length);
      expect(rows.size).toBe(keys.length);
      // rowsByDay: every row once, under its day, in the order added; the days in the order first seen.
      const byDay = [...table.rowsByDay()].map(([day, r]) => [day, [...r]] as const);
      const firstSeen = [...new Set(lines.map(({ k }) => k[0]))];
      expect(byDay.map(([day]) => day)).toEqual(firstSeen);
      for (const [day, r] of byDay) {
        expect(r).toEqual(
          [...rows.entries()]
            .filter(([key]) => Number(key.split(" ")[0]) === day)
            .map(([, row]) => row)
            .sort((x, y) => x - y),
        );
      }
    }
  });

  it("keeps as many span slots as live visits when hits come in reverse order and merge", () => {
    const table = new VisitorDayTable(GAP, PAGES);
    const row = table.idOf(16_000, 1, 1);
    // 21 visits, newest first (each one a merge by the definition), then the hits that bridge them, 500 times over.
    for (let round = 0; round < 500; round++) {
      for (let t = 60_000; t >= 0; t -= 3000) table.addHit(row, t, t === 0 ? 1 : -1);
      expect(table.toVisitorDay(row, "addr").spans).toHaveLength(round === 0 ? 21 : 1);
      for (let t = 58_500; t > 0; t -= 3000) table.addHit(row, t, -1);
      expect(table.toVisitorDay(row, "addr").spans).toEqual([
        { start: 0, end: 60_000, entryAt: 0, entry: "/p1", exitAt: 0, exit: "/p1" },
      ]);
    }
    expect((table as unknown as { spanCount: number }).spanCount).toBeLessThanOrEqual(22);
  });
});
