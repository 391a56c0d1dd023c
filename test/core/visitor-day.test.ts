import { describe, expect, it } from "vitest";
import type { Span } from "../../worker/core/visitor-day";
import { addSpan, stringBefore } from "../../worker/core/visitor-day";
import { rng } from "../random";

interface Hit { at: number; page: string | null }

/** Visits by the definition, from scratch: hits sorted by time, cut where the gap is over `gap`. */
function visitsOf(hits: Hit[], gap: number): Span<string>[] {
  const sorted = [...hits].sort((a, b) => a.at - b.at);
  const out: Span<string>[] = [];
  for (const h of sorted) {
    let v = out[out.length - 1];
    if (v === undefined || h.at - v.end > gap) out.push((v = { start: h.at, end: h.at, entryAt: -1, entry: null }));
    v.end = h.at;
    if (h.page !== null && (v.entryAt < 0 || h.at < v.entryAt || (h.at === v.entryAt && h.page < v.entry!))) { v.entryAt = h.at; v.entry = h.page; }
  }
  return out;
}

describe("addSpan: visits of one visitor-day, whatever the order of its hits", () => {
  const GAP = 1800;
  it.each([
    ["in time order", 0],
    ["a few seconds back now and then (servers log when a request ends)", 30],
    ["up to two hours back", 7200],
    ["in any order", 86_400],
  ])("hits %s give the visits of the definition", (_name, jitter) => {
    const rand = rng(jitter + 17);
    for (let round = 0; round < 300; round++) {
      // Bursts of hits, some over the gap apart, some exactly at it.
      const hits: Hit[] = [];
      let t = Math.floor(rand() * 3600);
      const n = 1 + Math.floor(rand() * 40);
      for (let i = 0; i < n; i++) {
        const r = rand();
        t += r < 0.1 ? GAP : r < 0.2 ? GAP + 1 + Math.floor(rand() * 5000) : Math.floor(rand() * 120);
        hits.push({ at: t, page: rand() < 0.5 ? `/p${Math.floor(rand() * 4)}` : null });
      }
      // Arrival order: the time order, each hit moved back by up to `jitter` seconds of the log.
      const arrival = hits.map((h, i) => ({ h, key: jitter === 86_400 ? rand() : h.at - rand() * jitter + i * 1e-6 })).sort((a, b) => a.key - b.key).map((x) => x.h);
      const spans: Span<string>[] = [];
      for (const h of arrival) addSpan(spans, h.at, h.at, h.page === null ? -1 : h.at, h.page, GAP, stringBefore);
      expect(spans).toEqual(visitsOf(hits, GAP));
    }
  });
});
