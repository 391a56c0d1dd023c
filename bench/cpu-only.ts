import { benchChunkCpu, chunkCpuLines } from "./chunk-cpu";
const cpu = await benchChunkCpu(process.argv[2] ?? "bench/data/big.log");
for (const l of chunkCpuLines(cpu)) console.log(`cpu        ${l}`);
