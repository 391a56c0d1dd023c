import { describe, expect, it } from "vitest";
import { Analyzer } from "../../worker/core/analyzer";
import { analyzeText } from "../../worker/core/analyze";
import { emptyPartial, mergePartials } from "../../worker/core/partial";
import type { AnalysisPartial } from "../../worker/core/partial";
import { monthReport } from "../../worker/core/report";
import { robotRules } from "../../worker/core/config";
import { BASJES, geo, readFixture, SEMICOMPLETE, semicompleteConfig } from "./fixtures";
import { randomChunks, rng } from "../random";

/** Everything a partial holds, in a canonical order (samples aside: they are the first few of each chunk). */
function canonical(p: AnalysisPartial) {
  const c = semicompleteConfig();
  const months: Record<string, unknown> = {};
  for (const [m, mp] of Object.entries(p.months)) {
    months[m] = {
      panels: mp.panels,
      hours: mp.hours,
      watched: mp.watched,
      rejected: mp.rejected,
      visitorDays: [...mp.visitorDays].sort(([a], [b]) => (a < b ? -1 : 1)),
      report: monthReport(m, mp, robotRules(c)),
    };
  }
  return { lines: p.lines, hits: p.hits, rejected: p.rejected, reasons: p.reasons, months };
}

describe("chunking does not change results", () => {
  const text = readFixture(SEMICOMPLETE) + readFixture(BASJES);
  const lines = text.split("\n").filter((l) => l !== "");
  const c = {
    ...semicompleteConfig(),
    watched: { addresses: ["66.249.73.135"], userAgents: ["Tiny Tiny RSS"] },
  };
  const whole = canonical(analyzeText(lines.join("\n"), c, geo()));

  it.each(Array.from({ length: 20 }, (_, i) => [1000 + i]))(
    "random split and order, seed %i",
    (seed) => {
      const chunks = randomChunks(lines, rng(seed));
      const merged = emptyPartial();
      for (const chunk of chunks)
        mergePartials(merged, analyzeText(chunk.join("\n"), c, geo()), c.visitGapSeconds);
      expect(canonical(merged)).toEqual(whole);
    },
  );

  it("each line pushed on its own (no previous line to compare a client, agent or referer with) gives the same result", () => {
    // The shortcuts start afresh with every push: one push per line is the analysis without them.
    // The crafted lines come first: Y's robot line reads no referer, then Y's next line has X's
    // referer, which must not take Y's own last referer for it.
    const line = (ip: string, agent: string, referer: string, path: string) =>
      `${ip} - - [17/May/2015:10:05:0${path.length % 10} +0000] "GET ${path} HTTP/1.1" 200 100 "${referer}" "${agent}"`;
    const human = "Mozilla/5.0 (X11; Linux x86_64; rv:38.0) Gecko/20100101 Firefox/38.0";
    const crafted = [
      line("10.0.0.2", human, "http://r2.example/", "/a"),
      line("10.0.0.1", human, "http://r1.example/", "/b"),
      line("10.0.0.2", "Googlebot/2.1 (+http://www.google.com/bot.html)", "-", "/c"),
      line("10.0.0.2", human, "http://r1.example/", "/d"),
      line("10.0.0.2", `${human} x`, "http://r1.example/", "/e"),
      line("10.0.0.2", human, "http://r1.example/", "/f"),
    ];
    const all = [...crafted, ...lines];
    const once = new Analyzer(c, geo());
    once.push(all.join("\n"));
    const alone = new Analyzer(c, geo());
    for (const l of all) alone.push(l);
    const a = once.finish();
    expect(
      a.months["2015-05"].panels["referring-sites"]?.["r1.example"]?.[0],
    ).toBeGreaterThanOrEqual(4);
    expect(canonical(a)).toEqual(canonical(alone.finish()));
  });

  it("merging into an analysis's own result (its visitor-days read from the analyzer's table) equals merging into an empty one", () => {
    const chunks = randomChunks(lines, rng(11));
    expect(chunks.length).toBeGreaterThan(5);
    const merged = analyzeText(chunks[0].join("\n"), c, geo());
    for (const chunk of chunks.slice(1))
      mergePartials(merged, analyzeText(chunk.join("\n"), c, geo()), c.visitGapSeconds);
    expect(canonical(merged)).toEqual(whole);
  });

  it("an analysis's visitor-day records are built when read: changing one read by iteration changes nothing, get then set does", () => {
    const mp = analyzeText(lines.slice(0, 500).join("\n"), c, geo()).months["2015-05"];
    const [key, first] = mp.visitorDays[Symbol.iterator]().next().value!;
    const size = mp.visitorDays.size;
    first.hits += 1000;
    expect([...mp.visitorDays.values()][0].hits).toBe(first.hits - 1000);
    const v = mp.visitorDays.get(key)!;
    v.hits += 1000;
    mp.visitorDays.set(key, v);
    expect([...mp.visitorDays.values()][0].hits).toBe(first.hits);
    expect(mp.visitorDays.size).toBe(size);
    expect([...mp.visitorDays.keys()][0]).toBe(key);
  });

  it("a month report from an analysis's own visitor-days (summed from the table) equals the report from their records", () => {
    const p = analyzeText(lines.join("\n"), c, geo());
    const rules = robotRules(c);
    expect(Object.keys(p.months).length).toBeGreaterThan(1);
    for (const [m, mp] of Object.entries(p.months)) {
      const fromRecords = monthReport(m, { ...mp, visitorDays: new Map(mp.visitorDays) }, rules);
      expect(monthReport(m, mp, rules)).toEqual(fromRecords);
      expect(fromRecords.visits).toBeGreaterThan(0);
    }
  });

  it("one analyzer fed line by line equals one fed the whole text", () => {
    const a = new Analyzer(c, geo());
    for (const l of lines) a.push(`${l}\n`);
    expect(canonical(a.finish())).toEqual(whole);
  });
});
