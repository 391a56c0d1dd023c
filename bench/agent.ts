// The edge agent's throughput: the bundled agent (dist-style, one file, plain node) ships the 1M-line
// log to the real worker in local workerd (wrangler dev, local D1), from a fresh state. Timed as a
// whole process (read + gzip + upload + the worker's answers), with the agent's own peak RSS and CPU.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAgent } from "../edge-agent/build";
import { addSite, startLocalWorker } from "../scripts/local-worker";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BIG_LOG = join(root, "bench", "data", "big.log");

export interface AgentFigures {
  /** Bytes of log shipped, in MB (10^6). */
  mb: number;
  /** Wall clock of the agent's process, start to exit. */
  seconds: number;
  mbPerSecond: number;
  /** The agent process's peak resident memory. */
  peakRssMB: number;
  /** An idle `node` process's peak RSS on the same machine, for scale (40 MB for Node 20 on x86-64). */
  nodeBaselineRssMB: number;
  /** The agent's own CPU (user + system) per MB shipped: its cost on the box, whatever the worker's speed. */
  cpuMsPerMB: number;
  chunks: number;
  lines: number;
  /** The bundle's size. */
  bundleBytes: number;
}

/** Makes the 1M-line log if it is missing (same maker and arguments as `npm run bench`). */
export function ensureBigLog(file = BIG_LOG): void {
  if (existsSync(file)) return;
  const maker = [
    join(root, "..", "shared", "tools", "make-big-log.py"),
    join(root, "bench", "make-big-log.py"),
  ].find(existsSync);
  if (!maker) throw new Error("make-big-log.py not found");
  const r = spawnSync(
    "python3",
    [maker, join(root, "test", "fixtures", "semicomplete-2015-05.combined.log"), file, "100"],
    { stdio: "inherit" },
  );
  if (r.status !== 0) throw new Error("make-big-log.py failed");
}

/**
 * Ships `file` with the bundled agent to a fresh site on a local worker and measures it.
 * `chunkBytes`: the agent's chunk size (default: the worker's limit, 10 MiB).
 */
export async function benchAgent(
  file = BIG_LOG,
  opts: { chunkBytes?: number } = {},
): Promise<AgentFigures> {
  ensureBigLog(file);
  const dir = mkdtempSync(join(tmpdir(), "vigie-bench-agent-"));
  try {
    const bundle = join(dir, "vigie-agent.mjs");
    const bundleBytes = await buildAgent(bundle);
    const site = addSite("bench", dir);
    const worker = await startLocalWorker({
      persistTo: dir,
      vars: { DOH_URL: "http://127.0.0.1:9/dns-query" },
    });
    try {
      const config = join(dir, "agent.json");
      const stateFile = join(dir, "agent-state.json");
      writeFileSync(
        config,
        JSON.stringify({
          workerUrl: worker.url,
          site: site.site,
          token: site.agentToken,
          logs: [{ path: file }],
          stateFile,
          chunkBytes: opts.chunkBytes,
        }),
      );
      const t0 = performance.now();
      const r = spawnSync(
        "/usr/bin/time",
        ["-f", "%M %U %S", process.execPath, bundle, "run", "--verbose", "-c", config],
        { encoding: "utf8", maxBuffer: 64 << 20 },
      );
      const seconds = (performance.now() - t0) / 1000;
      if (r.status !== 0)
        throw new Error(
          `the agent exited ${r.status}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`,
        );
      const [rssKB, user, sys] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
      const summary = /shipped .* in (\d+) chunks .*: (\d+) lines/.exec(r.stdout);
      const state = JSON.parse(readFileSync(stateFile, "utf8")) as {
        sources: Record<string, { offset: number }>;
      };
      const shipped = Object.values(state.sources).reduce((n, s) => n + s.offset, 0);
      if (shipped !== statSync(file).size)
        throw new Error(`shipped ${shipped} bytes of ${statSync(file).size}`);
      const mb = shipped / 1e6;
      const idle = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "-e", ""], {
        encoding: "utf8",
      });
      return {
        mb,
        seconds,
        mbPerSecond: mb / seconds,
        peakRssMB: rssKB / 1024,
        nodeBaselineRssMB: Number(idle.stderr.trim().split("\n").pop()) / 1024,
        cpuMsPerMB: ((user + sys) * 1000) / mb,
        chunks: Number(summary?.[1] ?? 0),
        lines: Number(summary?.[2] ?? 0),
        bundleBytes,
      };
    } finally {
      await worker.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = await benchAgent(process.argv[2] ?? BIG_LOG);
  console.log(
    `agent      ${f.mbPerSecond.toFixed(1)} MB/s  ${f.mb.toFixed(0)} MB in ${f.seconds.toFixed(1)} s, ${f.chunks} chunks, ${f.lines} lines; peak RSS ${f.peakRssMB.toFixed(0)} MB (idle node ${f.nodeBaselineRssMB.toFixed(0)} MB); agent CPU ${f.cpuMsPerMB.toFixed(1)} ms per MB; bundle ${(f.bundleBytes / 1024).toFixed(1)} KiB`,
  );
  console.log(JSON.stringify(f));
}
