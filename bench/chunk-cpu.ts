// CPU per chunk on the Workers Free plan's terms: consecutive 256 KiB chunks of the bench log
// uploaded one after the other, CPU read from /proc (proc-cpu.ts) around them.
//  - "workerd process": the real worker under `wrangler dev`, the workerd process that runs it,
//    with its local D1 (not wrangler's node process, nor the workerd that proxies its port);
//  - "JS only": the same worker's code in one workerd, its D1 in a second (workerd/), which is
//    what Cloudflare counts: there D1 runs outside the worker. What the first figure has more is
//    local D1's own work (its JSON, its SQLite);
//  - "Node": the same ingest in Node stage by stage (chunk-stages.ts).
// Warm figures are means over the chunks after the first WARMUP (the isolate's code compiled, its
// memo tables filled); an isolate's first chunk is read on a freshly started workerd, its idle
// CPU rate measured just before and taken off.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addSite, startLocalWorker } from "../scripts/local-worker";
import { type Chunk, chunkRequest, ingestStages, openRun, readChunks } from "./chunk-stages";
import { STAGES, type StageTimes } from "./ingest-stages";
import { descendants, type ProcCpu, procCpu } from "./proc-cpu";
import { startD1Host, startSplitWorker } from "./workerd/split-worker";

export const CHUNK_BYTES = 256 * 1024;
export const WARMUP = 20;
/** Fresh isolates whose first chunk is measured. */
const FIRSTS = 3;

export interface CpuFigures {
  /** Mean CPU ms of a warm chunk: all the process's threads, and its main thread alone. */
  warm: ProcCpu;
  /** An isolate's first chunk, CPU ms, for each fresh isolate tried. */
  first: ProcCpu[];
  /** Each fresh isolate's start (split runs only): workerd's start, the modules, their global scope. */
  start?: ProcCpu[];
}

export interface ChunkCpuFigures {
  chunks: number;
  lines: number;
  workerd: CpuFigures;
  jsOnly: CpuFigures;
  /** The local D1's workerd (split run) and wrangler's proxy workerd, warm, CPU ms per chunk. */
  d1Host: number;
  proxy: number;
  node: { warm: StageTimes; first: StageTimes[]; d1Chars: { out: number; in: number } };
  /** The same stages inside workerd, warm (wall clock there: see workerd/stages-entry.js). */
  workerdStages: StageTimes;
  /** A worker doing only a chunk's I/O (workerd/floor-entry.js): warm and an isolate's first. */
  floor: CpuFigures;
  /** The worker's code alone on SMALL_BYTES chunks; `lines` a chunk. */
  small: CpuFigures & { lines: number };
}

/** A 10-minute upload of a site of 10,000 hits a day: ~70 lines, ~16 KiB. */
const SMALL_BYTES = 16 * 1024;
const SMALL_COUNT = 200;

/** D1 requests of a chunk in the floor: the site, the reads, the entry pages' reads, the writes. */
const FLOOR_ROUND_TRIPS = 4;

const meanStages = (times: StageTimes[]) =>
  Object.fromEntries(
    STAGES.map((s) => [s, times.reduce((t, x) => t + x[s], 0) / times.length]),
  ) as StageTimes;
export const diff = (a: ProcCpu, b: ProcCpu): ProcCpu => ({
  total: b.total - a.total,
  main: b.main - a.main,
});
export const per = (c: ProcCpu, n: number): ProcCpu => ({ total: c.total / n, main: c.main / n });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A DNS-over-HTTPS resolver that knows no name: feed readers' addresses resolve to none at once. */
export async function fakeDoh(): Promise<{ url: string; close(): void }> {
  const server = createServer((_, res) => {
    res.setHeader("content-type", "application/dns-json");
    res.end('{"Status":3}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dns-query`,
    close: () => server.close(),
  };
}

type Site = ReturnType<typeof addSite>;

/** Sends a chunk as the agent does; its lines, or an error unless the worker answered 200. */
export async function upload(url: string, site: Site, c: Chunk, runId?: number): Promise<number> {
  const res = await fetch(...chunkRequest(url, site, c, runId));
  const reply = (await res.json()) as { lines: number; error?: { message: string } };
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${reply.error?.message}`);
  return reply.lines;
}

/** Uploads the chunks; the mean CPU of each process in `pids` over those after WARMUP. */
async function warmRun(
  url: string,
  site: Site,
  chunks: Chunk[],
  pids: () => number[],
  runId?: number,
): Promise<{ cpu: ProcCpu[]; lines: number }> {
  let at: ProcCpu[] = [];
  let lines = 0;
  for (let i = 0; i < chunks.length; i++) {
    if (i === WARMUP) at = pids().map(procCpu);
    lines += await upload(url, site, chunks[i], runId);
  }
  await sleep(300); // background work (waitUntil, V8's threads) finishes within the window
  const end = pids().map(procCpu);
  return { cpu: end.map((e, i) => per(diff(at[i], e), chunks.length - WARMUP)), lines };
}

/** One chunk's CPU in process `pid`, less what the process uses idle over the same time. */
async function firstChunk(
  url: string,
  site: Site,
  c: Chunk,
  pid: number,
  runId?: number,
): Promise<ProcCpu> {
  const idleMs = 1000;
  const i0 = procCpu(pid);
  await sleep(idleMs);
  const t0 = performance.now();
  const c0 = procCpu(pid);
  const idle = per(diff(i0, c0), idleMs);
  await upload(url, site, c, runId);
  await sleep(300);
  const elapsed = performance.now() - t0;
  const d = diff(c0, procCpu(pid));
  return { total: d.total - idle.total * elapsed, main: d.main - idle.main * elapsed };
}

/** wrangler dev's two workerd processes: the one that runs the worker and the one that proxies its port. */
function wranglerWorkerd(rootPid: number, port: number): { worker: number; proxy: number } {
  const all = descendants(rootPid).filter((p) => /\/workerd /.test(p.cmdline));
  const proxy = all.find((p) => p.cmdline.includes(`entry=127.0.0.1:${port} `));
  const worker = all.find((p) => p !== proxy);
  if (!proxy || !worker) throw new Error("wrangler dev: its two workerd processes not found");
  return { worker: worker.pid, proxy: proxy.pid };
}

function withSite<T>(f: (dir: string, site: Site) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "vigie-cpu-"));
  return f(dir, addSite("bench", dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

export async function benchChunkCpu(log: string, count = 300): Promise<ChunkCpuFigures> {
  const all = readChunks(log, count + FIRSTS, CHUNK_BYTES);
  const chunks = all.slice(0, count);
  const later = all.slice(count);
  const doh = await fakeDoh();
  const vars = { MAX_CHUNK_BYTES: String(CHUNK_BYTES), DOH_URL: doh.url };
  try {
    // The real worker: wrangler dev, local D1 inside its workerd.
    const real = await withSite(async (dir, site) => {
      const w = await startLocalWorker({ persistTo: dir, vars });
      let run: Awaited<ReturnType<typeof warmRun>>;
      let runId: number;
      try {
        const { worker, proxy } = wranglerWorkerd(w.child.pid!, w.port);
        runId = await openRun(w.url, site);
        run = await warmRun(w.url, site, chunks, () => [worker, proxy], runId);
      } finally {
        await w.stop();
      }
      const first: ProcCpu[] = [];
      for (const c of later) {
        const fresh = await startLocalWorker({ persistTo: dir, vars });
        try {
          first.push(
            await firstChunk(
              fresh.url,
              site,
              c,
              wranglerWorkerd(fresh.child.pid!, fresh.port).worker,
              runId,
            ),
          );
        } finally {
          await fresh.stop();
        }
      }
      return { warm: run.cpu[0], proxy: run.cpu[1].total, lines: run.lines, first };
    });

    // The worker's code alone: its D1 in another workerd.
    const split = await withSite(async (dir, site) => {
      const w = await startSplitWorker(dir, { vars });
      try {
        const runId = await openRun(w.url, site);
        const run = await warmRun(w.url, site, chunks, () => [w.appPid, w.host.pid], runId);
        const first: ProcCpu[] = [];
        const start: ProcCpu[] = [];
        for (const c of later) {
          await w.restartApp();
          start.push(w.startCpu);
          first.push(await firstChunk(w.url, site, c, w.appPid, runId));
        }
        return { warm: run.cpu[0], host: run.cpu[1].total, first, start };
      } finally {
        await w.stop();
      }
    });

    // Small chunks, the worker's code alone.
    const small = await withSite(async (dir, site) => {
      const all = readChunks(log, SMALL_COUNT + FIRSTS, SMALL_BYTES);
      const w = await startSplitWorker(dir, { vars });
      try {
        const runId = await openRun(w.url, site);
        const run = await warmRun(w.url, site, all.slice(0, SMALL_COUNT), () => [w.appPid], runId);
        const first: ProcCpu[] = [];
        for (const c of all.slice(SMALL_COUNT)) {
          await w.restartApp();
          first.push(await firstChunk(w.url, site, c, w.appPid, runId));
        }
        return { warm: run.cpu[0], first, lines: run.lines / SMALL_COUNT };
      } finally {
        await w.stop();
      }
    });

    // The same stages inside workerd.
    const workerdStages = await withSite(async (dir, site) => {
      const w = await startSplitWorker(dir, { vars, entry: "stages-entry.js" });
      try {
        const times: StageTimes[] = [];
        for (const c of chunks) {
          const q = new URLSearchParams({
            site: site.site,
            token: site.agentToken,
            start: String(c.start),
            end: String(c.end),
          });
          const res = await fetch(`${w.url}/?${q}`, { method: "POST", body: c.body });
          if (res.status !== 200)
            throw new Error(`stages answered ${res.status}: ${await res.text()}`);
          times.push((await res.json()) as StageTimes);
        }
        return meanStages(times.slice(WARMUP));
      } finally {
        await w.stop();
      }
    });

    // Node, stage by stage; an isolate's first chunk as a fresh process's.
    const node = await withSite(async (dir, site) => {
      const host = await startD1Host(dir);
      try {
        const stages = await ingestStages(host.url, site, chunks);
        const warm = meanStages(stages.times.slice(WARMUP));
        const chars = stages.d1Chars.slice(WARMUP);
        const d1Chars = {
          out: chars.reduce((n, c) => n + c.out, 0) / chars.length,
          in: chars.reduce((n, c) => n + c.in, 0) / chars.length,
        };
        const first = later.map((c) => {
          const r = spawnSync(
            process.execPath,
            [
              "--import",
              "tsx",
              join(import.meta.dirname, "chunk-stages.ts"),
              host.url,
              JSON.stringify(site),
              log,
              String(c.start),
              "1",
            ],
            { encoding: "utf8" },
          );
          if (r.status !== 0) throw new Error(`chunk-stages failed: ${r.stderr}`);
          return (JSON.parse(r.stdout.trim().split("\n").pop()!) as StageTimes[])[0];
        });
        return { warm, first, d1Chars };
      } finally {
        await host.stop();
      }
    });

    // The floor: a chunk's I/O alone, with a real chunk's D1 traffic.
    const floor = await withSite(async (dir, site) => {
      const w = await startSplitWorker(dir, {
        vars: {
          ...vars,
          ROUND_TRIPS: String(FLOOR_ROUND_TRIPS),
          OUT_CHARS: String(Math.round(node.d1Chars.out)),
          IN_CHARS: String(Math.round(node.d1Chars.in)),
        },
        entry: "floor-entry.js",
      });
      try {
        const run = await warmRun(w.url, site, chunks, () => [w.appPid]);
        const first: ProcCpu[] = [];
        for (const c of later) {
          await w.restartApp();
          first.push(await firstChunk(w.url, site, c, w.appPid));
        }
        return { warm: run.cpu[0], first };
      } finally {
        await w.stop();
      }
    });

    return {
      chunks: count,
      lines: real.lines,
      workerd: { warm: real.warm, first: real.first },
      jsOnly: { warm: split.warm, first: split.first, start: split.start },
      d1Host: split.host,
      proxy: real.proxy,
      node,
      workerdStages,
      floor,
      small,
    };
  } finally {
    doh.close();
  }
}

const ms = (n: number) => n.toFixed(1);
const kb = (chars: number) => (chars / 1000).toFixed(0);
const cpu = (c: ProcCpu) => `${ms(c.total)} (main thread ${ms(c.main)})`;
const total = (t: StageTimes) => STAGES.reduce((s, k) => s + t[k], 0);
const stages = (t: StageTimes) =>
  `${STAGES.map((s) => `${s} ${t[s].toFixed(2)}`).join(", ")}; total ${total(t).toFixed(1)}`;

/** The bench's lines for these figures. */
export function chunkCpuLines(f: ChunkCpuFigures): string[] {
  const firsts = (c: CpuFigures) => c.first.map(cpu).join(", ");
  const medianFirst = [...f.node.first].sort((a, b) => total(a) - total(b))[
    f.node.first.length >> 1
  ];
  return [
    `${f.chunks} chunks of 256 KiB (${Math.round(f.lines / f.chunks)} lines each), one after another; CPU ms per chunk, warm = mean after the first ${WARMUP}`,
    `workerd process (wrangler dev: the worker and its local D1): warm ${cpu(f.workerd.warm)}; an isolate's first chunk ${firsts(f.workerd)}`,
    `JS only (the worker in workerd, its D1 in another): warm ${cpu(f.jsOnly.warm)}; an isolate's first chunk ${firsts(f.jsOnly)}`,
    `  an isolate's start before it (workerd's own, the modules, their global scope with warmUp): ${(f.jsOnly.start ?? []).map(cpu).join(", ")}`,
    `  (on Cloudflare D1 runs outside the worker: "JS only" is what a request is billed; the local D1's workerd took ${ms(f.d1Host)} more, wrangler's proxy workerd ${ms(f.proxy)}, neither counted)`,
    `JS only, chunks of ${SMALL_BYTES / 1024} KiB (${Math.round(f.small.lines)} lines: a 10-minute upload of a 10,000-hits/day site): warm ${cpu(f.small.warm)}; an isolate's first chunk ${firsts(f.small)}`,
    `workerd warm, by stage (its clock): ${stages(f.workerdStages)}`,
    `Node warm: ${stages(f.node.warm)}`,
    `Node first chunk of a fresh process (median of ${f.node.first.length}): ${stages(medianFirst)}`,
    `D1 traffic of a warm chunk (its client's JSON): ${kb(f.node.d1Chars.out)} KB of statements out, ${kb(f.node.d1Chars.in)} KB of results in`,
    `floor (a worker doing only a chunk's I/O: body, sha-256, gunzip, ${FLOOR_ROUND_TRIPS} D1 round trips of that traffic): warm ${cpu(f.floor.warm)}; an isolate's first ${firsts(f.floor)}`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const log = process.argv[2] ?? join(import.meta.dirname, "data", "big.log");
  const f = await benchChunkCpu(log, Number(process.argv[3] ?? 300));
  for (const l of chunkCpuLines(f)) console.log(`cpu        ${l}`);
}
