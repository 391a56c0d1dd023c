// The isolate's warm-up (worker/ingest/warm-up.ts) runs when worker/routes/ingest.ts loads; every
// ingest test runs after it, so its effect on figures is checked there: none. Here: it is total.
import { describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import { analyzeText } from "../../worker/core/analyze";
import { resolveConfig } from "../../worker/core/config";
import { warmUp } from "../../worker/ingest/warm-up";

describe("warmUp", () => {
  it("never throws, runs once, and leaves analyses as they were", () => {
    const r = resolveConfig({ siteHosts: ["semicomplete.com"] });
    if (!r.ok) throw new Error(r.errors.join("; "));
    const text = semicompleteText.split("\n").slice(0, 2000).join("\n");
    const before = JSON.stringify(analyzeText(text, r.config).months);
    expect(() => warmUp()).not.toThrow();
    expect(() => warmUp()).not.toThrow();
    expect(JSON.stringify(analyzeText(text, r.config).months)).toBe(before);
  });
});
