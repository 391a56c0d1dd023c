/** The processes still running in a directory (Linux /proc): what a test started there and left. */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export function processesIn(dir: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      found.push({ pid: Number(entry), cmd });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Waits up to `ms` for no process to run in `dir`; returns those left. */
export async function settle(dir: string, ms = 10_000): Promise<{ pid: number; cmd: string }[]> {
  const deadline = Date.now() + ms;
  let left = processesIn(dir);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = processesIn(dir);
  }
  return left;
}
