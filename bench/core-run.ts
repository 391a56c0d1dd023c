// One timed run of the analysis core on a log file, in its own process (bundled by bench/run.ts).
// Prints one JSON line: lines, hits, months, ms (open → finished statistics), maxRssMB.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { Analyzer } from "../worker/core/analyzer";
import { resolveConfig } from "../worker/core/config";
import { createGeoLookup } from "../worker/core/geo";
import { monthReport } from "../worker/core/report";

const [file, geoFile] = process.argv.slice(2);
const resolved = resolveConfig({ siteHosts: ["semicomplete.com"] });
if (!resolved.ok) throw new Error(resolved.errors.join("; "));
const config = resolved.config;

const t0 = performance.now();
const analyzer = new Analyzer(config, createGeoLookup(readFileSync(geoFile)));
const fd = openSync(file, "r");
const buf = Buffer.allocUnsafe(8 << 20);
const decoder = new TextDecoder();
let carry = "";
for (;;) {
  const n = readSync(fd, buf, 0, buf.length, null);
  if (n === 0) break;
  const text = carry + decoder.decode(buf.subarray(0, n), { stream: true });
  const cut = text.lastIndexOf("\n") + 1;
  analyzer.push(text.slice(0, cut));
  carry = text.slice(cut);
}
closeSync(fd);
carry += decoder.decode();
if (carry) analyzer.push(carry);
const partial = analyzer.finish();
const rules = { robotPostBurst: config.robotPostBurst, robotErrorLimit: config.robotErrorLimit };
let visits = 0;
for (const m in partial.months) visits += monthReport(m, partial.months[m], rules).visits;
const ms = performance.now() - t0;
console.log(JSON.stringify({ lines: partial.lines, hits: partial.hits, months: Object.keys(partial.months).length, visits, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
