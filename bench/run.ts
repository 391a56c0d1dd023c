// `npm run bench`: the core against its peers on the same 1M-line log, in the same run.
// Every figure is timed the same way: wall clock from process start (opening the file) to
// finished statistics, best of three. Peak memory is the process's max RSS.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { benchIngest } from "./ingest";
import { benchAgent } from "./agent";
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
  const maker = [join(root, "..", "shared", "tools", "make-big-log.py"), join(root, "bench", "make-big-log.py")].find(existsSync);
  if (!maker) throw new Error("make-big-log.py not found");
  run("python3", [maker, join(root, "test", "fixtures", "semicomplete-2015-05.combined.log"), log, "100"]);
}
const lines = 1_000_000;

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${cmd} failed`);
}

/** Runs a command under /usr/bin/time; returns wall seconds, max RSS and stdout. */
function timed(cmd: string, args: string[]): { seconds: number; rssMB: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.slice(-2000)}`);
  const rssKB = Number(r.stderr.trim().split("\n").pop());
  return { seconds, rssMB: rssKB / 1024, stdout: r.stdout };
}

function best(label: string, cmd: string, args: string[], runs = RUNS) {
  return report(label, Array.from({ length: runs }, () => timed(cmd, args)));
}

function report(label: string, all: ReturnType<typeof timed>[]) {
  const b = all.reduce((x, y) => (y.seconds < x.seconds ? y : x));
  const rate = lines / b.seconds;
  console.log(`${label.padEnd(10)} ${fmt(rate).padStart(10)} lines/s  best ${b.seconds.toFixed(2)} s of ${all.map((a) => a.seconds.toFixed(2)).join(", ")}  peak RSS ${b.rssMB.toFixed(0)} MB`);
  return { ...b, rate };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

// The core, bundled once so its process starts like any program's.
const coreJs = join(data, "core-run.mjs");
await build({ entryPoints: [join(root, "bench", "core-run.ts")], bundle: true, platform: "node", format: "esm", target: "node20", outfile: coreJs, logLevel: "warning" });

console.log(`file: ${log} (1,000,000 lines), node ${process.version}, one core each, best of ${RUNS}`);
// The core's and GoAccess's runs alternate, so that a change in this shared machine's speed
// during the bench weighs on both.
const coreRun = () => timed("node", [coreJs, log, geoFile]);
const goaccessRun = () => timed("goaccess", [log, "--log-format=COMBINED", "--no-global-config", "-o", join(data, "goaccess.json")]);
const hasGoaccess = have("goaccess");
const coreRuns: ReturnType<typeof timed>[] = [];
const goaccessRuns: ReturnType<typeof timed>[] = [];
for (let i = 0; i < RUNS; i++) {
  coreRuns.push(coreRun());
  if (hasGoaccess) goaccessRuns.push(goaccessRun());
}
const core = report("core", coreRuns);
const detail = JSON.parse(core.stdout.trim().split("\n").pop()!);
console.log(`           in-process: ${fmt(lines / (detail.ms / 1000))} lines/s (${detail.ms.toFixed(0)} ms from open to statistics), ${detail.months} months, ${fmt(detail.visits)} visits`);

let goaccess: { rate: number } | null = null;
if (hasGoaccess) goaccess = report("goaccess", goaccessRuns);
else console.log("goaccess   not installed (apt-get install goaccess)");

const awstatsPl = "/usr/lib/cgi-bin/awstats.pl";
let awstats: { rate: number } | null = null;
if (existsSync(awstatsPl)) {
  // AWStats keeps state between runs: each run starts from an empty data directory. One run:
  // it is an order of magnitude slower than the others.
  const dir = join(data, "awstats");
  const conf = join(dir, "awstats.bench.conf");
  spawnSync("rm", ["-rf", dir]);
  mkdirSync(dir, { recursive: true });
  writeFileSync(conf, [`LogFile="${log}"`, "LogType=W", "LogFormat=1", `DirData="${dir}"`, 'SiteDomain="semicomplete.com"', 'HostAliases="semicomplete.com www.semicomplete.com"', "DNSLookup=0", "AllowToUpdateStatsFromBrowser=0", "SkipDNSLookupFor=\"\"", "KeepBackupOfHistoricFiles=0", "PurgeLogFile=0"].join("\n") + "\n");
  awstats = best("awstats", "perl", [awstatsPl, `-config=bench`, `-configdir=${dir}`, "-update"], 1);
} else console.log("awstats    not installed (apt-get install awstats)");

// The worker: the same file uploaded in 8 MB chunks to the real worker in local workerd and D1.
console.log("ingest     uploading the file through wrangler dev (local workerd + D1)…");
const ing = await benchIngest(log);
console.log(`ingest     ${fmt(ing.linesPerSecond).padStart(10)} lines/s  ${ing.seconds.toFixed(1)} s for ${ing.chunks} chunks of ≤ 8 MB; ${fmt(ing.rowsPer1M)} D1 rows written per 1M lines; workerd CPU ${ing.cpuMsPerMB.toFixed(0)} ms per MB`);

console.log(`report     month page ${ing.pageMs.toFixed(0)} ms from D1, ${ing.cachedPageMs.toFixed(0)} ms cached (1M-line data, local workerd)`);

// GoAccess's daily unique visitors on the real semicomplete log against ours under its definition.
if (hasGoaccess) {
  const semi = join(root, "test", "fixtures", "semicomplete-2015-05.combined.log");
  const out = join(data, "goaccess-semicomplete.json");
  if (spawnSync("goaccess", [semi, "--log-format=COMBINED", "--no-global-config", "--no-progress", "-o", out], { stdio: "ignore" }).status !== 0) throw new Error("goaccess failed");
  const ga = JSON.parse(readFileSync(out, "utf8")) as { visitors: { data: { data: string; visitors: { count: number } }[] } };
  const theirs = Object.fromEntries(ga.visitors.data.map((d) => [`${d.data.slice(0, 4)}-${d.data.slice(4, 6)}-${d.data.slice(6)}`, d.visitors.count]));
  const r = resolveConfig({ siteHosts: ["semicomplete.com"] });
  if (!r.ok) throw new Error(r.errors.join("; "));
  const ours = goaccessDailyVisitors(analyzeText(readFileSync(semi, "utf8"), r.config).months["2015-05"]);
  const days = Object.keys(theirs).sort();
  const same = days.every((d) => theirs[d] === ours[d]) && Object.keys(ours).length === days.length;
  console.log(`visitors   semicomplete daily unique visitors, GoAccess ${days.map((d) => theirs[d]).join(" / ")}, ours by its definition ${days.map((d) => ours[d]).join(" / ")}: ${same ? "equal" : "DIFFERENT"}`);
}

console.log("agent      shipping the file with the bundled edge agent to a fresh local worker…");
const agent = await benchAgent(log);
console.log(`agent      ${agent.mbPerSecond.toFixed(1)} MB/s read+gzip+upload (${agent.seconds.toFixed(1)} s for ${agent.mb.toFixed(0)} MB), peak RSS ${agent.peakRssMB.toFixed(0)} MB, its own CPU ${agent.cpuMsPerMB.toFixed(0)} ms per MB, bundle ${(agent.bundleBytes / 1024).toFixed(0)} KB`);

// One table of everything, same file, same run.
const rows: [string, string][] = [
  ["core (Node, one core)", `${fmt(core.rate)} lines/s, peak RSS ${core.rssMB.toFixed(0)} MB`],
  ["GoAccess 1.7", goaccess ? `${fmt(goaccess.rate)} lines/s — core is ${(core.rate / goaccess.rate).toFixed(1)}×` : "not installed"],
  ["AWStats", awstats ? `${fmt(awstats.rate)} lines/s — core is ${(core.rate / awstats.rate).toFixed(1)}×` : "not installed"],
  ["ingest through local workerd", `${fmt(ing.linesPerSecond)} lines/s, ${ing.cpuMsPerMB.toFixed(0)} CPU ms per MB`],
  ["D1 rows written", `${fmt(ing.rowsPer1M)} per 1M lines`],
  ["agent", `${agent.mbPerSecond.toFixed(1)} MB/s, peak RSS ${agent.peakRssMB.toFixed(0)} MB`],
  ["month page (1M-line data)", `${ing.pageMs.toFixed(0)} ms from D1, ${ing.cachedPageMs.toFixed(0)} ms cached`],
];
console.log("");
const w = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
console.log(`bench: core ${Math.round(core.rate)} lines/s, goaccess ${goaccess ? Math.round(goaccess.rate) : 0} lines/s, ratio ${goaccess ? (core.rate / goaccess.rate).toFixed(2) : "n/a"}`);
