// The privacy re-keying (worker/ingest/privacy.ts): visitor keys keyed by the site's secret
// through SipHash-2-4 keep a visitor key's shape and first character, stay the same from chunk to
// chunk under one secret, and spread evenly enough for the sketches that read them.
import { describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import { analyzeText } from "../../worker/core/analyze";
import { resolveConfig } from "../../worker/core/config";
import type { AnalysisPartial } from "../../worker/core/partial";
import { KEY_ALPHABET } from "../../worker/core/partial";
import { addToSketch, decodeSketch, estimate } from "../../worker/core/sketch";
import { applyPrivacy, keyedHashes } from "../../worker/ingest/privacy";

const resolved = resolveConfig({ siteHosts: ["semicomplete.com"] });
if (!resolved.ok) throw new Error(resolved.errors.join("; "));
const text = semicompleteText.split("\n").slice(0, 3000).join("\n");
const analyse = () => analyzeText(text, resolved.config);
const keysOf = (p: AnalysisPartial) =>
  Object.values(p.months).flatMap((m) => [...m.visitorDays.keys()]);

describe("visitor keys re-keyed with the site's secret", () => {
  it("keep their shape and first character; one secret gives the same keys every time", async () => {
    const bare = keysOf(analyse());
    const a = analyse();
    const b = analyse();
    await applyPrivacy(a, "truncate", "s".repeat(32));
    await applyPrivacy(b, "hash", "s".repeat(32));
    const keyed = keysOf(a);
    expect(keysOf(b)).toEqual(keyed);
    expect(keyed.length).toBe(bare.length);
    const shape = new RegExp(`^\\d{4}-\\d\\d-\\d\\d [${KEY_ALPHABET.replace("-", "\\-")}]{11}$`);
    for (let i = 0; i < keyed.length; i++) {
      expect(keyed[i]).toMatch(shape);
      expect(keyed[i].slice(0, 12)).toBe(bare[i].slice(0, 12)); // the date and the bucket
      expect(keyed[i]).not.toBe(bare[i]);
    }
    expect(new Set(keyed).size).toBe(new Set(bare).size);
  });

  it("differ from one secret to another", async () => {
    const a = analyse();
    const b = analyse();
    await applyPrivacy(a, "truncate", "a".repeat(32));
    await applyPrivacy(b, "truncate", "b".repeat(32));
    const ka = keysOf(a);
    const kb = keysOf(b);
    expect(ka.filter((k, i) => k === kb[i])).toEqual([]);
  });

  it("spread evenly: a sketch of 20,000 re-keyed keys estimates them within 5 %", async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `0${String(i).padStart(10, "0")}`);
    const p: AnalysisPartial = {
      lines: 0,
      hits: 0,
      rejected: 0,
      reasons: {},
      samples: [],
      months: {
        "2015-05": {
          panels: {},
          hours: new Array(96).fill(0),
          // Only the address key of a record is read here: 1,000 addresses.
          visitorDays: new Map(
            keys.map((k, i) => [`2015-05-17 ${k}`, { addr: `192.0.2.${i % 1000}` } as never]),
          ),
          watched: [],
          rejected: 0,
        },
      },
    };
    await applyPrivacy(p, "truncate", "c".repeat(32));
    const sketch = decodeSketch(null);
    for (const k of keysOf(p)) addToSketch(sketch, k.slice(11));
    expect(Math.abs(estimate(sketch) - keys.length) / keys.length).toBeLessThan(0.05);
  });

  it("feed hosts' keyed hashes: 16 hex digits, stable, one per address", async () => {
    const addresses = ["66.249.73.135", "66.249.73.136", "crawl.example.org", "2001:db8::1"];
    const h = await keyedHashes("s".repeat(32), addresses);
    expect(await keyedHashes("s".repeat(32), addresses)).toEqual(h);
    for (const x of h) expect(x).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(h).size).toBe(addresses.length);
    expect(await keyedHashes("t".repeat(32), addresses)).not.toEqual(h);
  });
});
