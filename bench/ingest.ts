// Ingest throughput of a log through the real worker in local workerd (wrangler dev, local D1).
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { addSite, startLocalWorker } from "../scripts/local-worker";
import { openRun } from "./chunk-stages";

export interface IngestFigures {
  lines: number;
  seconds: number;
  linesPerSecond: number;
  rowsWritten: number;
  rowsPer1M: number;
  cpuMsPerMB: number;
  mb: number;
  chunks: number;
  /** The busiest month's report page, first view (rendered from D1) and the next (cached). */
  pageMs: number;
  cachedPageMs: number;
}

/** CPU seconds (user + system) used so far by `pid` and all its descendants. */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(f[1]);
      ticks.set(Number(d), Number(f[11]) + Number(f[12]));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* process ended */
    }
  }
  let total = 0;
  const walk = (p: number) => {
    total += ticks.get(p) ?? 0;
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return total / 100; // USER_HZ
}

export async function benchIngest(file: string, chunkBytes = 8 << 20): Promise<IngestFigures> {
  const dir = mkdtempSync(join(tmpdir(), "vigie-bench-"));
  try {
    const site = addSite("bench", dir);
    const worker = await startLocalWorker({ persistTo: dir });
    try {
      // In an upload run, as the agent's chunks are (each chunk adds to its row).
      const runId = await openRun(worker.url, site);
      const fd = openSync(file, "r");
      const buf = Buffer.allocUnsafe(chunkBytes);
      let offset = 0,
        lines = 0,
        rowsWritten = 0,
        chunks = 0;
      const cpu0 = treeCpuSeconds(worker.child.pid!);
      const t0 = performance.now();
      for (;;) {
        const n = readSync(fd, buf, 0, chunkBytes, offset);
        if (n === 0) break;
        const cut = n < chunkBytes ? n : buf.lastIndexOf(10, n - 1) + 1;
        const body = gzipSync(buf.subarray(0, cut));
        const q = new URLSearchParams({
          site: site.site,
          source: "big.log",
          start: String(offset),
          end: String(offset + cut),
          run: String(runId),
        });
        const res = await fetch(`${worker.url}/api/v1/ingest?${q}`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${site.agentToken}`,
            "content-type": "application/gzip",
            "x-content-sha256": createHash("sha256").update(body).digest("hex"),
          },
          body,
        });
        const reply = (await res.json()) as {
          lines: number;
          rowsWritten: number;
          error?: { message: string };
        };
        if (res.status !== 200)
          throw new Error(`ingest answered ${res.status}: ${reply.error?.message}`);
        lines += reply.lines;
        rowsWritten += reply.rowsWritten;
        offset += cut;
        chunks++;
      }
      closeSync(fd);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = treeCpuSeconds(worker.child.pid!) - cpu0;
      const mb = offset / 1e6;
      const timePage = async () => {
        const t = performance.now();
        const res = await fetch(`${worker.url}/sites/${site.site}/2015-05`, {
          headers: { authorization: `Bearer ${site.readToken}` },
        });
        await res.text();
        if (res.status !== 200) throw new Error(`month page answered ${res.status}`);
        return performance.now() - t;
      };
      const pageMs = await timePage();
      const cachedPageMs = await timePage();
      return {
        pageMs,
        cachedPageMs,
        lines,
        seconds,
        linesPerSecond: lines / seconds,
        rowsWritten,
        rowsPer1M: (rowsWritten * 1e6) / lines,
        cpuMsPerMB: (cpu * 1000) / mb,
        mb,
        chunks,
      };
    } finally {
      await worker.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchIngest(process.argv[2] ?? join(import.meta.dirname, "data", "big.log"));
  console.log(JSON.stringify(f));
}
