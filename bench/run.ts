// `npm run bench`: the core against its peers on the same 1M-line log, in the same run.
// The headline figures are timed as DESIGN.md says, from opening the file to finished statistics
// (reading included), best of three: the core by its own clock (it starts before the geo table is
// read and stops after the month reports), GoAccess by the kernel's timestamps of its opening the
// log and then its output (strace, stopping on nothing but those calls). The whole processes,
// start and exit included, are timed too and printed beside. Peak memory is the process's max RSS.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { benchIngest } from "./ingest";
import { benchAgent } from "./agent";
import { benchChunkCpu, chunkCpuLines } from "./chunk-cpu";
import { AWSTATS_PL, awstatsRun } from "./awstats";
import { analyzeText } from "../worker/core/analyze";
import { resolveConfig } from "../worker/core/config";
import { goaccessDailyVisitors } from "../worker/core/report";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const data = join(root, "bench", "data");
const log = join(data, "big.log");
const geoFile = join(root, "worker", "generated", "geo.bin");
const RUNS = 3;

mkdirSync(data, { recursive: true });
if (!existsSync(geoFile)) run("node", [join(root, "scripts", "build-geo.mjs")]);
if (!existsSync(log)) {
  console.log("making the 1M-line log from the semicomplete fixture…");
  const maker = [
    join(root, "..", "shared", "tools", "make-big-log.py"),
    join(root, "bench", "make-big-log.py"),
  ].find(existsSync);
  if (!maker) throw new Error("make-big-log.py not found");
  run("python3", [
    maker,
    join(root, "test", "fixtures", "semicomplete-2015-05.combined.log"),
    log,
    "100",
  ]);
}
const lines = 1_000_000;

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${cmd} failed`);
}

interface Timed {
  /** Wall clock of the whole process, start to exit. */
  seconds: number;
  /** From opening the log to finished statistics, when known. */
  window: number | null;
  rssMB: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time: wall seconds, max RSS and stdout (`window` left unknown). */
function timed(cmd: string, args: string[]): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.slice(-2000)}`);
  const rssKB = Number(r.stderr.trim().split("\n").pop());
  return { seconds, window: null, rssMB: rssKB / 1024, stdout: r.stdout };
}

/**
 * Runs `cmd` under strace, which stops it on openat only (a seccomp filter: every other call runs
 * untouched), and takes as its window the time from its opening `input` to its opening `output`.
 */
function timedOpenToOutput(cmd: string, args: string[], input: string, output: string): Timed {
  const trace = join(data, `${cmd}.strace`);
  const t = timed("strace", [
    "-f",
    "--seccomp-bpf",
    "-ttt",
    "-e",
    "trace=openat",
    "-o",
    trace,
    cmd,
    ...args,
  ]);
  const opens = readFileSync(trace, "utf8")
    .split("\n")
    .filter((l) => !/= -1 /.test(l));
  const at = (path: string) => {
    const line = opens.find((l) => l.includes(`"${path}"`));
    if (line === undefined) throw new Error(`${cmd} never opened ${path} (see ${trace})`);
    return Number(line.split(/\s+/)[1]);
  };
  return { ...t, window: at(output) - at(input) };
}

/** The best of `all` by `key`, printed on one line. */
function report(label: string, all: Timed[], key: "seconds" | "window" = "seconds") {
  const s = (t: Timed) => (key === "window" ? t.window! : t.seconds);
  const b = all.reduce((x, y) => (s(y) < s(x) ? y : x));
  const rate = lines / s(b);
  const what = key === "window" ? "open to statistics" : "whole process";
  console.log(
    `${label.padEnd(10)} ${fmt(rate).padStart(10)} lines/s  ${what}, best ${s(b).toFixed(2)} s of ${all.map((a) => s(a).toFixed(2)).join(", ")}  peak RSS ${b.rssMB.toFixed(0)} MB`,
  );
  return { ...b, rate };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

// The core, bundled once so its process starts like any program's, as CommonJS. Node 20's V8
// optimises code that reads an ES module's top-level bindings less well than code that reads a
// function's: the same bundle as an ES module costs 6,870 instructions a line against 6,155
// (callgrind, 200k against 400k lines) and ran 7–10 % slower; wrapped in a function, the ES
// module ran as fast as CommonJS.
const coreJs = join(data, "core-run.cjs");
await build({
  entryPoints: [join(root, "bench", "core-run.ts")],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outfile: coreJs,
  logLevel: "warning",
});

console.log(
  `file: ${log} (1,000,000 lines), node ${process.version}, one core each, best of ${RUNS}`,
);
// The core's and GoAccess's runs alternate, so that a change in this shared machine's speed
// during the bench weighs on both.
const coreRun = (): Timed => {
  const t = timed("node", [coreJs, log, geoFile]);
  return { ...t, window: JSON.parse(t.stdout.trim().split("\n").pop()!).ms / 1000 };
};
const goaccessJson = join(data, "goaccess.json");
const goaccessArgs = [log, "--log-format=COMBINED", "--no-global-config", "-o", goaccessJson];
const hasGoaccess = have("goaccess");
// strace may be missing, or barred from tracing (some containers forbid ptrace): then GoAccess's
// whole process stands for its window, and the bench says so.
const hasStrace =
  spawnSync("strace", ["-f", "--seccomp-bpf", "-e", "trace=openat", "-o", "/dev/null", "true"])
    .status === 0;
const goaccessRun = () =>
  hasStrace
    ? timedOpenToOutput("goaccess", goaccessArgs, log, goaccessJson)
    : timed("goaccess", goaccessArgs);
const coreRuns: Timed[] = [];
const goaccessRuns: Timed[] = [];
for (let i = 0; i < RUNS; i++) {
  coreRuns.push(coreRun());
  if (hasGoaccess) goaccessRuns.push(goaccessRun());
}
const core = report("core", coreRuns, "window");
const coreWhole = report("", coreRuns);
const detail = JSON.parse(core.stdout.trim().split("\n").pop()!);
console.log(`           ${detail.months} months, ${fmt(detail.visits)} visits`);

let goaccess: { rate: number } | null = null;
let goaccessWhole: { rate: number } | null = null;
if (!hasGoaccess) console.log("goaccess   not installed (apt-get install goaccess)");
else {
  goaccessWhole = report("goaccess", goaccessRuns);
  if (hasStrace) goaccess = report("", goaccessRuns, "window");
  else
    console.log(
      "           open to statistics unknown: strace is missing or cannot trace here (apt-get install strace); its whole process stands for it",
    );
  goaccess ??= goaccessWhole;
}

let awstats: { rate: number } | null = null;
if (existsSync(AWSTATS_PL)) {
  // One run: it is an order of magnitude slower than the others.
  const args = awstatsRun(log, join(data, "awstats"), "bench", [
    "semicomplete.com",
    "www.semicomplete.com",
  ]);
  awstats = report("awstats", [timed("perl", args)]);
} else console.log("awstats    not installed (apt-get install awstats)");

// The worker: the same file uploaded in 8 MB chunks to the real worker in local workerd and D1.
console.log("ingest     uploading the file through wrangler dev (local workerd + D1)…");
const ing = await benchIngest(log);
console.log(
  `ingest     ${fmt(ing.linesPerSecond).padStart(10)} lines/s  ${ing.seconds.toFixed(1)} s for ${ing.chunks} chunks of ≤ 8 MB; ${fmt(ing.rowsPer1M)} D1 rows written per 1M lines; workerd CPU ${ing.cpuMsPerMB.toFixed(0)} ms per MB`,
);

console.log(
  `report     month page ${ing.pageMs.toFixed(0)} ms from D1, ${ing.cachedPageMs.toFixed(0)} ms cached (1M-line data, local workerd)`,
);

// The Free plan's chunk size: what the same file costs in D1 rows written, 256 KiB at a time.
console.log("ingest     the same file in 256 KiB chunks (the Free plan's)…");
const small = await benchIngest(log, 256 * 1024);
console.log(
  `ingest     256 KiB chunks: ${small.chunks} chunks, ${fmt(small.rowsPer1M)} D1 rows written per 1M lines (8 MB chunks: ${fmt(ing.rowsPer1M)})`,
);

// GoAccess's daily unique visitors on the real semicomplete log against ours under its definition.
if (hasGoaccess) {
  const semi = join(root, "test", "fixtures", "semicomplete-2015-05.combined.log");
  const out = join(data, "goaccess-semicomplete.json");
  if (
    spawnSync(
      "goaccess",
      [semi, "--log-format=COMBINED", "--no-global-config", "--no-progress", "-o", out],
      { stdio: "ignore" },
    ).status !== 0
  )
    throw new Error("goaccess failed");
  const ga = JSON.parse(readFileSync(out, "utf8")) as {
    visitors: { data: { data: string; visitors: { count: number } }[] };
  };
  const theirs = Object.fromEntries(
    ga.visitors.data.map((d) => [
      `${d.data.slice(0, 4)}-${d.data.slice(4, 6)}-${d.data.slice(6)}`,
      d.visitors.count,
    ]),
  );
  const r = resolveConfig({ siteHosts: ["semicomplete.com"] });
  if (!r.ok) throw new Error(r.errors.join("; "));
  const ours = goaccessDailyVisitors(
    analyzeText(readFileSync(semi, "utf8"), r.config).months["2015-05"],
  );
  const days = Object.keys(theirs).sort();
  const same = days.every((d) => theirs[d] === ours[d]) && Object.keys(ours).length === days.length;
  console.log(
    `visitors   semicomplete daily unique visitors, GoAccess ${days.map((d) => theirs[d]).join(" / ")}, ours by its definition ${days.map((d) => ours[d]).join(" / ")}: ${same ? "equal" : "DIFFERENT"}`,
  );
}

console.log("agent      shipping the file with the bundled edge agent to a fresh local worker…");
const agent = await benchAgent(log);
console.log(
  `agent      ${agent.mbPerSecond.toFixed(1)} MB/s read+gzip+upload (${agent.seconds.toFixed(1)} s for ${agent.mb.toFixed(0)} MB), peak RSS ${agent.peakRssMB.toFixed(0)} MB, its own CPU ${agent.cpuMsPerMB.toFixed(0)} ms per MB, bundle ${(agent.bundleBytes / 1024).toFixed(0)} KB`,
);

// The Free plan's budget: CPU per 256 KiB chunk, warm and an isolate's first (see chunk-cpu.ts).
console.log("cpu        uploading 256 KiB chunks through local workerd, CPU per chunk…");
const cpu = await benchChunkCpu(log);
for (const l of chunkCpuLines(cpu)) console.log(`cpu        ${l}`);
const firstJs = [...cpu.jsOnly.first.map((c) => c.total)].sort((a, b) => a - b);

// One table of everything, same file, same run.
const rows: [string, string][] = [
  [
    "core (Node, one core)",
    `${fmt(core.rate)} lines/s open to statistics, ${fmt(coreWhole.rate)} whole process; peak RSS ${core.rssMB.toFixed(0)} MB`,
  ],
  [
    "GoAccess 1.7",
    goaccess && goaccessWhole
      ? `${fmt(goaccess.rate)} lines/s open to statistics, ${fmt(goaccessWhole.rate)} whole process — core is ${(core.rate / goaccess.rate).toFixed(1)}× (whole processes ${(coreWhole.rate / goaccessWhole.rate).toFixed(1)}×)`
      : "not installed",
  ],
  [
    "AWStats",
    awstats
      ? `${fmt(awstats.rate)} lines/s whole process — core's whole process is ${(coreWhole.rate / awstats.rate).toFixed(1)}×`
      : "not installed",
  ],
  [
    "ingest through local workerd",
    `${fmt(ing.linesPerSecond)} lines/s, ${ing.cpuMsPerMB.toFixed(0)} CPU ms per MB`,
  ],
  [
    "D1 rows written",
    `${fmt(ing.rowsPer1M)} per 1M lines in 8 MB chunks, ${fmt(small.rowsPer1M)} in 256 KiB chunks`,
  ],
  [
    "CPU per 256 KiB chunk (workerd)",
    `JS only ${cpu.jsOnly.warm.total.toFixed(1)} ms warm, ${firstJs[firstJs.length >> 1].toFixed(0)} ms an isolate's first; with local D1 ${cpu.workerd.warm.total.toFixed(1)} ms warm`,
  ],
  ["agent", `${agent.mbPerSecond.toFixed(1)} MB/s, peak RSS ${agent.peakRssMB.toFixed(0)} MB`],
  [
    "month page (1M-line data)",
    `${ing.pageMs.toFixed(0)} ms from D1, ${ing.cachedPageMs.toFixed(0)} ms cached`,
  ],
];
console.log("");
const w = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
console.log(
  `bench: core ${Math.round(core.rate)} lines/s, goaccess ${goaccess ? Math.round(goaccess.rate) : 0} lines/s, ratio ${goaccess ? (core.rate / goaccess.rate).toFixed(2) : "n/a"}`,
);
