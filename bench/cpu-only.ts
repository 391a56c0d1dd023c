// `npm run bench:cpu [LOG]`: only the bench's CPU per 256 KiB chunk (chunk-cpu.ts), in about two
// minutes, for work on the Free plan's CPU budget. LOG defaults to the 1M-line log `npm run bench`
// makes (bench/data/big.log); any access log of ~80 MB or more will do.
import { existsSync } from "node:fs";
import { benchChunkCpu, chunkCpuLines } from "./chunk-cpu";

const log = process.argv[2] ?? "bench/data/big.log";
if (!existsSync(log)) {
  console.error(`${log} does not exist: run npm run bench once, or name a log`);
  process.exit(1);
}
const cpu = await benchChunkCpu(log);
for (const l of chunkCpuLines(cpu)) console.log(`cpu        ${l}`);
