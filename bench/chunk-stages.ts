// The ingest of chunks in Node, stage by stage on the CPU clock (ingest-stages.ts), and the
// chunks themselves. Run as a script it ingests one chunk in a fresh process and prints its stages
// as JSON: an isolate's first chunk, in Node.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { type StageChunk, type StageSite, type StageTimes, stageRunner } from "./ingest-stages";

const root = new URL("..", import.meta.url).pathname;

export type Chunk = StageChunk;

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

/** Opens an upload run, as the agent does once per run: its id, for chunkRequest. */
export async function openRun(
  url: string,
  site: { site: string; agentToken: string },
): Promise<number> {
  const res = await fetch(`${url}/api/v1/runs?site=${encodeURIComponent(site.site)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${site.agentToken}` },
  });
  const reply = (await res.json()) as { runId?: number };
  if (res.status !== 200 || reply.runId === undefined)
    throw new Error(`opening a run answered ${res.status}`);
  return reply.runId;
}

/** The request an agent sends for a chunk (in upload run `runId`, as the agent's always are). */
export function chunkRequest(
  url: string,
  site: { site: string; agentToken: string },
  c: Chunk,
  runId?: number,
): [string, RequestInit] {
  const q = new URLSearchParams({
    site: site.site,
    source: "big.log",
    start: String(c.start),
    end: String(c.end),
    ...(runId === undefined ? {} : { run: String(runId) }),
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

/** What the Node run of the stages measured. */
export interface NodeStages {
  /** CPU of each stage of each chunk. */
  times: StageTimes[];
  /** Characters of JSON its D1 client sent and received, per chunk (statements out, results in). */
  d1Chars: { out: number; in: number }[];
}

/** Ingests the chunks one after the other on the D1 host at `d1Url`, stage by stage. */
export async function ingestStages(
  d1Url: string,
  site: StageSite,
  chunks: Chunk[],
): Promise<NodeStages> {
  const run = stageRunner({
    d1Url,
    geoData: readFileSync(`${root}worker/generated/geo.bin`),
    scanLines: new WebAssembly.Module(readFileSync(`${root}worker/core/scan-lines.wasm`)),
    now: cpuMs,
  });
  const out: NodeStages = { times: [], d1Chars: [] };
  for (const c of chunks) {
    const before = { out: run.meter.charsOut, in: run.meter.charsIn };
    out.times.push(await run(site, c));
    out.d1Chars.push({ out: run.meter.charsOut - before.out, in: run.meter.charsIn - before.in });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [hostUrl, siteJson, log, start, count] = process.argv.slice(2);
  const chunks = readChunks(log, Number(count ?? 1), 262144, Number(start));
  console.log(JSON.stringify((await ingestStages(hostUrl, JSON.parse(siteJson), chunks)).times));
}
