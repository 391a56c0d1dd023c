// CPU time of processes on Linux, from /proc. Per thread, /proc/PID/task/TID/sched gives the
// scheduler's own sum (`se.sum_exec_runtime`, in ms to the ns): a single chunk's few milliseconds
// can be read there, where /proc/PID/stat counts in ticks of 10 ms. Kernels built without
// CONFIG_SCHED_DEBUG have no such file: then /proc/PID/stat's ticks stand in.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcCpu {
  /** Every thread of the process, ms. */
  total: number;
  /** Its main thread (the one whose id is the process's), ms: where workerd runs JavaScript. */
  main: number;
}

function threadMs(pid: number, tid: number): number | null {
  try {
    const sched = readFileSync(`/proc/${pid}/task/${tid}/sched`, "utf8");
    const m = /se\.sum_exec_runtime\s*:\s*([\d.]+)/.exec(sched);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function statTicks(path: string): number {
  const stat = readFileSync(path, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

/** CPU used so far by `pid` (0 once it is gone). */
export function procCpu(pid: number): ProcCpu {
  try {
    const main = threadMs(pid, pid);
    if (main === null) {
      // 10 ms ticks (USER_HZ 100); the process's figure includes its exited threads.
      return {
        total: statTicks(`/proc/${pid}/stat`) * 10,
        main: statTicks(`/proc/${pid}/task/${pid}/stat`) * 10,
      };
    }
    let total = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) total += threadMs(pid, Number(t)) ?? 0;
    return { total, main };
  } catch {
    return { total: 0, main: 0 };
  }
}

/** The processes below `pid`, with their command lines. */
export function descendants(pid: number): { pid: number; cmdline: string }[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* ended meanwhile */
    }
  }
  const out: { pid: number; cmdline: string }[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      try {
        out.push({
          pid: c,
          cmdline: readFileSync(`/proc/${c}/cmdline`, "utf8").replace(/\0/g, " "),
        });
      } catch {
        /* ended meanwhile */
      }
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** The workerd processes below `pid`. */
export const workerdPids = (pid: number): number[] =>
  descendants(pid)
    .filter((p) => /\/workerd /.test(p.cmdline))
    .map((p) => p.pid);
