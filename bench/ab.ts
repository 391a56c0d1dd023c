// CPU of a warm chunk, this checkout's worker against another checkout's, fed the same chunks in
// turn: `npm run bench:ab -- <other checkout> [chunks] [runs] [chunk KiB]` (chunk KiB: 256, the
// Free plan's, by default; 16 is a 10-minute upload of a 10,000-hits/day site).
// Single runs of the CPU bench drift more than most changes move (the same code gave 29.5 and 19.9
// ms two hours apart here): here each worker runs in a workerd of its own with its own D1 host
// (the "JS only" setup of chunk-cpu.ts), and every chunk goes to one then to the other, the order
// swapped from run to run, so that whatever the machine does falls on both alike. Each run prints
// both workers' mean CPU per chunk after the first WARMUP, and their ratio; the last line the mean
// ratio. The other checkout is a git worktree with dependencies installed and `npm run build:geo`
// run (`git worktree add ../base HEAD~3 && ln -s "$PWD/node_modules" ../base/ && cp -r
// worker/generated ../base/worker/`).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Chunk, openRun, readChunks } from "./chunk-stages";
import { CHUNK_BYTES, diff, fakeDoh, per, sleep, upload, WARMUP } from "./chunk-cpu";
import { type ProcCpu, procCpu } from "./proc-cpu";
import type * as here from "./workerd/split-worker";

type SplitModule = typeof here;
type AddSite = typeof import("../scripts/local-worker").addSite;

interface Side {
  name: string;
  split: SplitModule;
  addSite: AddSite;
}

async function sideOf(name: string, root: string): Promise<Side> {
  return {
    name,
    split: (await import(join(root, "bench/workerd/split-worker.ts"))) as SplitModule,
    addSite: ((await import(join(root, "scripts/local-worker.ts"))) as { addSite: AddSite })
      .addSite,
  };
}

/** One run: both workers started, the chunks fed to each in turn; mean CPU ms a warm chunk. */
async function run(sides: Side[], chunks: Chunk[], dohUrl: string): Promise<ProcCpu[]> {
  const dirs = sides.map(() => mkdtempSync(join(tmpdir(), "vigie-ab-")));
  const sites = sides.map((s, i) => s.addSite("bench", dirs[i]));
  const vars = { MAX_CHUNK_BYTES: String(CHUNK_BYTES), DOH_URL: dohUrl };
  const workers: Awaited<ReturnType<SplitModule["startSplitWorker"]>>[] = [];
  try {
    for (let i = 0; i < sides.length; i++)
      workers.push(await sides[i].split.startSplitWorker(dirs[i], { vars }));
    const runs = await Promise.all(workers.map((w, i) => openRun(w.url, sites[i])));
    let at = workers.map((w) => procCpu(w.appPid));
    for (let c = 0; c < chunks.length; c++) {
      if (c === WARMUP) at = workers.map((w) => procCpu(w.appPid));
      for (let i = 0; i < workers.length; i++)
        await upload(workers[i].url, sites[i], chunks[c], runs[i]).catch((e: Error) => {
          throw new Error(`${sides[i].name}: ${e.message}`);
        });
    }
    await sleep(300); // background work (waitUntil, V8's threads) finishes within the window
    return workers.map((w, i) => per(diff(at[i], procCpu(w.appPid)), chunks.length - WARMUP));
  } finally {
    for (const w of workers) await w.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const other = process.argv[2];
  if (!other)
    throw new Error("usage: npm run bench:ab -- <other checkout> [chunks] [runs] [chunk KiB]");
  const count = Number(process.argv[3] ?? 170);
  const runs = Number(process.argv[4] ?? 4);
  const size = process.argv[5] === undefined ? CHUNK_BYTES : Number(process.argv[5]) * 1024;
  const log = join(import.meta.dirname, "data", "big.log");
  const chunks = readChunks(log, count, size);
  const sides = [
    await sideOf("this", resolve(import.meta.dirname, "..")),
    await sideOf("other", resolve(other)),
  ];
  const ms = (c: ProcCpu) => `${c.total.toFixed(2)} (main thread ${c.main.toFixed(2)})`;
  const ratios: number[] = [];
  const doh = await fakeDoh();
  for (let r = 0; r < runs; r++) {
    // Every other run feeds the other worker first.
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    const cpu = await run(order, chunks, doh.url);
    const [mine, theirs] = r % 2 === 0 ? cpu : [...cpu].reverse();
    ratios.push(mine.total / theirs.total);
    console.log(
      `ab         run ${r + 1}: this ${ms(mine)}, other ${ms(theirs)} CPU ms a warm chunk; this/other ${ratios.at(-1)!.toFixed(3)}`,
    );
  }
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  const spread = Math.max(...ratios.map((x) => Math.abs(x - mean)));
  console.log(
    `ab         ${count - WARMUP} warm chunks of ${size / 1024} KiB a run, ${runs} runs: this/other ${mean.toFixed(3)} (each run within ±${spread.toFixed(3)} of it)`,
  );
  doh.close();
  process.exit(0);
}
