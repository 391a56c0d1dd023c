// The ingest of a chunk stage by stage, as worker/routes/ingest.ts runs it: the agent's token and
// the site's row, gunzip, the two sha-256, the site's configuration, the analysis, the privacy
// re-keying, then applyChunk, the worker's own code, on a D1 served by another process
// (workerd/remote-d1.ts). Each stage is timed by the clock it is given (Node's CPU clock; in
// workerd, performance.now(), which moves locally); the D1 client's time is taken out of the stage
// it ran in: its JSON is a stage of its own ("d1 json"), its requests (a subrequest on Cloudflare)
// none. No `node:*` here: the bench runs it in Node and in workerd (workerd/stages-entry.js).
import { lifecycleOf } from "../worker/ingest/periods";
import { hashToken } from "../worker/auth/tokens";
import type { UserConfig } from "../worker/core/config";
import { resolveConfig, robotRules } from "../worker/core/config";
import { Analyzer } from "../worker/core/analyzer";
import { createGeoLookup, type GeoLookup } from "../worker/core/geo";
import { LineScanner } from "../worker/core/line-scanner";
import { findSite } from "../worker/db/queries/find-site";
import { applyChunk } from "../worker/ingest/apply-chunk";
import { gunzipBody } from "../worker/ingest/gunzip";
import { applyPrivacy } from "../worker/ingest/privacy";
import { type ClientMeter, remoteD1 } from "./workerd/remote-d1";

export const STAGES = [
  "auth",
  "gunzip",
  "sha-256",
  "config",
  "analysis",
  "privacy",
  "apply",
  "d1 json",
] as const;
export type StageTimes = Record<(typeof STAGES)[number], number>;

export interface StageChunk {
  /** Its bytes [start, end) of the log, gzipped. */
  body: Uint8Array;
  start: number;
  end: number;
}

export interface StageSite {
  site: string;
  agentToken: string;
}

export interface StageHost {
  /** The D1 host's URL (workerd/d1-host.js). */
  d1Url: string;
  /** worker/generated/geo.bin, and scan-lines.wasm compiled: what the worker imports. */
  geoData: ArrayBuffer | Uint8Array;
  scanLines: WebAssembly.Module;
  /** The clock, ms. */
  now(): number;
}

const hex = (b: ArrayBuffer) =>
  Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");

/**
 * A runner that ingests chunks one at a time, keeping what an isolate keeps between them; its
 * `meter` counts what its D1 client did over all of them (the characters of JSON each way too).
 */
export function stageRunner(
  host: StageHost,
): ((site: StageSite, c: StageChunk) => Promise<StageTimes>) & { meter: ClientMeter } {
  const meter: ClientMeter = { now: host.now, jsonMs: 0, requestMs: 0, charsOut: 0, charsIn: 0 };
  const db = remoteD1(host.d1Url, meter);
  // Made on first use, as worker/geo.ts and worker/scanner.ts do.
  let geo: GeoLookup | null = null;
  let scanner: LineScanner | null = null;
  const run = async (site: StageSite, c: StageChunk) => {
    const t = Object.fromEntries(STAGES.map((s) => [s, 0])) as StageTimes;
    let at = host.now();
    let client = { json: meter.jsonMs, requests: meter.requestMs };
    const lap = (s: keyof StageTimes) => {
      const now = host.now();
      const json = meter.jsonMs - client.json;
      t[s] += now - at - json - (meter.requestMs - client.requests);
      t["d1 json"] += json;
      at = now;
      client = { json: meter.jsonMs, requests: meter.requestMs };
    };
    await hashToken(site.agentToken);
    const row = await findSite(db, site.site);
    if (!row) throw new Error(`no site ${site.site}`);
    lap("auth");
    const unzipped = await gunzipBody(c.body, c.end - c.start);
    if (!unzipped.ok) throw new Error(unzipped.message);
    lap("gunzip");
    await crypto.subtle.digest("SHA-256", c.body);
    const sha = await crypto.subtle.digest("SHA-256", unzipped.bytes);
    lap("sha-256");
    const resolved = resolveConfig(JSON.parse(row.config) as UserConfig);
    if (!resolved.ok) throw new Error(resolved.errors.join("; "));
    const config = resolved.config;
    lap("config");
    geo ??= createGeoLookup(host.geoData);
    scanner ??= new LineScanner(host.scanLines);
    const analyzer = new Analyzer(config, geo, scanner);
    analyzer.pushBytes(unzipped.bytes);
    const partial = analyzer.finish();
    lap("analysis");
    await applyPrivacy(partial, row.privacy, row.secret);
    lap("privacy");
    const outcome = await applyChunk(db, {
      siteId: row.id,
      source: "big.log",
      start: c.start,
      end: c.end,
      sha256: hex(sha),
      runId: 0,
      partial,
      analysisMs: 0,
      rules: robotRules(config),
      lifecycle: lifecycleOf(config),
      gap: config.visitGapSeconds,
      now: Math.floor(Date.now() / 1000),
    });
    if (outcome.status !== "applied") throw new Error(`chunk ${c.start}: ${outcome.status}`);
    lap("apply");
    return t;
  };
  return Object.assign(run, { meter });
}
