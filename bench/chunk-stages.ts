// The ingest of a chunk in Node, stage by stage, on the CPU clock: what the route does (the agent's
// token and the site's row, gunzip, the two sha-256, the site's configuration, the analysis, the
// privacy re-keying) and then applyChunk, the worker's own code, on a D1 served by another process
// (workerd/remote-d1.ts). applyChunk's share is its CPU less its D1 client's (the requests, and the
// JSON of statements and results, counted apart as "d1 json").
// Run as a script it ingests one chunk in a fresh process and prints its stages as JSON: an
// isolate's first chunk, in Node.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { hashToken } from "../worker/auth/tokens";
import type { UserConfig } from "../worker/core/config";
import { resolveConfig } from "../worker/core/config";
import { Analyzer } from "../worker/core/analyzer";
import { createGeoLookup, type GeoLookup } from "../worker/core/geo";
import { LineScanner } from "../worker/core/line-scanner";
import { findSite } from "../worker/db/queries/find-site";
import { applyChunk } from "../worker/ingest/apply-chunk";
import { gunzip } from "../worker/ingest/gunzip";
import { applyPrivacy } from "../worker/ingest/privacy";
import { remoteD1, type ClientMeter } from "./workerd/remote-d1";

const root = new URL("..", import.meta.url).pathname;

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

export interface Chunk {
  /** Its bytes [start, end) of the log, gzipped. */
  body: Uint8Array;
  start: number;
  end: number;
}

/** `count` consecutive chunks of whole lines of at most `size` bytes, from byte `from`. */
export function readChunks(log: string, count: number, size: number, from = 0): Chunk[] {
  const fd = openSync(log, "r");
  const buf = Buffer.allocUnsafe(size);
  const out: Chunk[] = [];
  let offset = from;
  while (out.length < count) {
    const n = readSync(fd, buf, 0, size, offset);
    if (n === 0) break;
    const cut = n < size ? n : buf.lastIndexOf(10, n - 1) + 1;
    out.push({
      body: new Uint8Array(gzipSync(buf.subarray(0, cut))),
      start: offset,
      end: offset + cut,
    });
    offset += cut;
  }
  closeSync(fd);
  return out;
}

/** The request an agent sends for a chunk. */
export function chunkRequest(
  url: string,
  site: { site: string; agentToken: string },
  c: Chunk,
): [string, RequestInit] {
  const q = new URLSearchParams({
    site: site.site,
    source: "big.log",
    start: String(c.start),
    end: String(c.end),
  });
  return [
    `${url}/api/v1/ingest?${q}`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${site.agentToken}`,
        "content-type": "application/gzip",
        "x-content-sha256": createHash("sha256").update(c.body).digest("hex"),
      },
      body: c.body,
    },
  ];
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** What the isolate keeps between requests (worker/geo.ts, worker/scanner.ts): made on first use. */
let geo: GeoLookup | null = null;
let scanner: LineScanner | null = null;
const geoData = readFileSync(`${root}worker/generated/geo.bin`);
const scanLines = new WebAssembly.Module(readFileSync(`${root}worker/core/scan-lines.wasm`));

/** Ingests the chunks one after the other, as the route does; the CPU of each stage of each. */
export async function ingestStages(
  hostUrl: string,
  site: { site: string; agentToken: string },
  chunks: Chunk[],
): Promise<StageTimes[]> {
  const meter: ClientMeter = { now: cpuMs, jsonMs: 0, requestMs: 0, charsOut: 0, charsIn: 0 };
  const db = remoteD1(hostUrl, meter);
  const out: StageTimes[] = [];
  for (const c of chunks) {
    const t: StageTimes = Object.fromEntries(STAGES.map((s) => [s, 0])) as StageTimes;
    // The D1 client's time is taken out of the stage it ran in: its JSON is a stage of its own,
    // its requests (HTTP in Node, a subrequest on Cloudflare) none.
    let at = cpuMs();
    let client = { json: meter.jsonMs, requests: meter.requestMs };
    const lap = (s: keyof StageTimes) => {
      const now = cpuMs();
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
    const unzipped = gunzip(c.body, c.end - c.start);
    if (!unzipped.ok) throw new Error(unzipped.message);
    lap("gunzip");
    await crypto.subtle.digest("SHA-256", c.body);
    const sha = await crypto.subtle.digest("SHA-256", unzipped.bytes);
    lap("sha-256");
    const resolved = resolveConfig(JSON.parse(row.config) as UserConfig);
    if (!resolved.ok) throw new Error(resolved.errors.join("; "));
    const config = resolved.config;
    lap("config");
    geo ??= createGeoLookup(geoData);
    scanner ??= new LineScanner(scanLines);
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
      sha256: Buffer.from(sha).toString("hex"),
      runId: 0,
      partial,
      analysisMs: 0,
      rules: { robotPostBurst: config.robotPostBurst, robotErrorLimit: config.robotErrorLimit },
      lifecycle: { openDays: config.openDays, sealDays: config.sealDays },
      gap: config.visitGapSeconds,
      now: Math.floor(Date.now() / 1000),
    });
    if (outcome.status !== "applied") throw new Error(`chunk ${c.start}: ${outcome.status}`);
    lap("apply");
    out.push(t);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [hostUrl, siteJson, log, start, count] = process.argv.slice(2);
  const chunks = readChunks(log, Number(count ?? 1), 262144, Number(start));
  console.log(JSON.stringify(await ingestStages(hostUrl, JSON.parse(siteJson), chunks)));
}
