import { describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import basjesText from "../fixtures/basjes-2015-10-hackers.combined.log?raw";
import { Analyzer } from "../../worker/core/analyzer";
import { resolveConfig } from "../../worker/core/config";
import { geoLookup } from "../../worker/geo";
import { lineScanner } from "../../worker/scanner";
import { createSite, uploadRange } from "./helpers";

/** A partial as plain data (its visitor-days are built when read). */
function analyse(bytes: Uint8Array, format: string, scanned: boolean, blocks: number) {
  const r = resolveConfig({ siteHosts: ["semicomplete.com", "howto.basjes.nl"], format });
  if (!r.ok) throw new Error(r.errors.join("; "));
  const a = new Analyzer(r.config, geoLookup(), scanned ? lineScanner() : null);
  let pos = 0;
  for (let k = 1; k <= blocks; k++) {
    const cut =
      k === blocks ? bytes.length : bytes.indexOf(10, Math.floor((bytes.length * k) / blocks)) + 1;
    a.pushBytes(bytes.subarray(pos, cut));
    pos = cut;
  }
  const p = a.finish();
  return {
    ...p,
    months: Object.fromEntries(
      Object.entries(p.months).map(([m, mp]) => [m, { ...mp, visitorDays: [...mp.visitorDays] }]),
    ),
  };
}

describe("the worker's line scanner (the WebAssembly module imported by wrangler, run by workerd)", () => {
  it.each([
    ["semicomplete", "combined", semicompleteText],
    ["basjes", "combined", basjesText],
    ["semicomplete", "nginx", semicompleteText],
  ])("%s, read as %s: the analysis is the same with it as without it", (_name, format, text) => {
    const bytes = new TextEncoder().encode(text);
    const without = analyse(bytes, format, false, 1);
    expect(without.hits).toBeGreaterThan(1000);
    expect(analyse(bytes, format, true, 1)).toEqual(without);
    expect(analyse(bytes, format, true, 4)).toEqual(without);
  });

  it("an ingest analyses with the isolate's scanner: it holds the chunk it last read", async () => {
    const site = await createSite("scanned", { config: { siteHosts: ["semicomplete.com"] } });
    const lines = `${semicompleteText.split("\n").slice(0, 50).join("\n")}\n`;
    const bytes = new TextEncoder().encode(lines);
    const res = await uploadRange(site, bytes, 0, bytes.length);
    expect(res.status).toBe(200);
    const scanner = lineScanner();
    // Line k's record: its start and end in the chunk (see LineScanner.scan).
    const last = 10 * (scanner.scan(0, false) - 1);
    expect(last).toBeGreaterThan(0);
    expect(scanner.nextStart).toBe(bytes.length);
    expect(
      new TextDecoder().decode(bytes.subarray(scanner.records[last], scanner.records[last + 1])),
    ).toBe(lines.split("\n")[(last / 10) | 0]);
  });
});
