/**
 * Data the report tests share: the real fixture logs uploaded through the worker in two analysis
 * runs (so "changed since the previous analysis" has something to show), hostile log lines, and
 * the core's own figures for the same text, to check every route against.
 */
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import basjesText from "../fixtures/basjes-2015-10-hackers.combined.log?raw";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import { analyzeText } from "../../worker/core/analyze";
import { resolveConfig, robotRules } from "../../worker/core/config";
import type { MonthReport } from "../../worker/core/report";
import { monthReport } from "../../worker/core/report";
import { geoLookup } from "../../worker/geo";
import type { TestSite } from "./helpers";
import { createSite, lineStarts, uploadRange } from "./helpers";
import { HOSTILE_LINES, SITE_CONFIG } from "./reports-hostile";

export { basjesText, semicompleteText };

export { HOSTILE_LINES, SITE_CONFIG };

const enc = new TextEncoder();

async function openRun(site: TestSite): Promise<number> {
  const res = await SELF.fetch(`http://vigie.test/api/v1/runs?site=${site.name}`, {
    method: "POST",
    headers: { authorization: `Bearer ${site.agentToken}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { runId: number }).runId;
}

/** Uploads `text` as source `source` in `parts` chunks cut on line starts, inside run `run`. */
export async function uploadText(
  site: TestSite,
  text: string,
  source: string,
  parts: number,
  run?: number,
): Promise<void> {
  const bytes = enc.encode(text);
  const starts = lineStarts(bytes);
  const cuts = [0];
  for (let i = 1; i < parts; i++) cuts.push(starts[Math.floor((i * (starts.length - 1)) / parts)]);
  cuts.push(bytes.length);
  for (let i = 0; i + 1 < cuts.length; i++) {
    if (cuts[i] === cuts[i + 1]) continue;
    const res = await uploadRange(site, bytes, cuts[i], cuts[i + 1], {
      source,
      query: run === undefined ? "" : `&run=${run}`,
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }
}

/**
 * The standard report site: run 1 uploads the first 60% of the semicomplete log and all of the
 * basjes log; run 2 the rest of semicomplete and the hostile lines. The month 2015-05's last run is 2.
 */
export async function standardSite(
  name: string,
  opts: { public?: boolean } = {},
): Promise<TestSite> {
  const site = await createSite(name, { config: SITE_CONFIG, public: opts.public });
  // Full addresses, so that the feed-hosts panel compares with the core's as it is.
  await env.DB.prepare("UPDATE sites SET privacy = 'full' WHERE id = ?1").bind(site.id).run();
  const cut = firstPart();
  const run1 = await openRun(site);
  await uploadText(site, semicompleteText.slice(0, cut), "semicomplete-a", 2, run1);
  await uploadText(site, basjesText, "basjes", 2, run1);
  const run2 = await openRun(site);
  await uploadText(site, semicompleteText.slice(cut), "semicomplete-b", 2, run2);
  await uploadText(site, HOSTILE_LINES, "hostile", 1, run2);
  return site;
}

/** Where run 1 stops in the semicomplete log (a line start near 60%). */
export function firstPart(): number {
  return semicompleteText.indexOf("\n", Math.floor(semicompleteText.length * 0.6)) + 1;
}

export function coreReports(text: string): Record<string, MonthReport> {
  const r = resolveConfig(SITE_CONFIG);
  if (!r.ok) throw new Error(r.errors.join("; "));
  const p = analyzeText(text, r.config, geoLookup());
  const rules = robotRules(r.config);
  return Object.fromEntries(
    Object.entries(p.months).map(([m, mp]) => [m, monthReport(m, mp, rules)]),
  );
}

/**
 * The core's figures for everything the standard site holds, and for what run 1 alone held. Each
 * month is analysed from its own text (one text holding May, October, then May again trips a
 * core bug: see the report of this change).
 */
export function standardCore() {
  return {
    all: {
      "2015-05": coreReports(semicompleteText + HOSTILE_LINES)["2015-05"],
      "2015-10": coreReports(basjesText)["2015-10"],
    },
    run1: { "2015-05": coreReports(semicompleteText.slice(0, firstPart()))["2015-05"] },
  };
}

export const read = (site: TestSite) => ({ authorization: `Bearer ${site.readToken}` });

export async function getJson<T>(site: TestSite, path: string): Promise<T> {
  const res = await SELF.fetch(`http://vigie.test${path}`, { headers: read(site) });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}
