/**
 * Everything the agent does to the outside world goes through `Deps`, so tests drive `runAgent`
 * in-process with a fake clock, a failing filesystem or a crash at any chosen call.
 */
import { readFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { loadavg, uptime } from "node:os";
import { nodeFetch, type HttpFetch } from "./node-http";

export interface FileStat {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  isFile(): boolean;
}

/** The filesystem calls the agent makes: a subset of `node:fs/promises`. */
export interface AgentFs {
  open(path: string, flags: string, mode?: number): Promise<FileHandle>;
  stat(path: string): Promise<FileStat>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string, encoding: "utf8"): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
}

export interface HookResult {
  /** Exit status, or null when killed by a signal (or timed out). */
  code: number | null;
  /** The last few KB of the command's stdout and stderr together. */
  output: string;
}

export interface Deps {
  fetch: HttpFetch;
  /** Wall clock, ms since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): the backoff's jitter. */
  random(): number;
  fs: AgentFs;
  /** Runs a shell command (`sh -c`) with these extra environment variables. */
  spawn(command: string, env: Record<string, string>, timeoutMs: number): Promise<HookResult>;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr is a terminal (a person ran the command, not cron): progress is shown there. */
  stderrIsTTY: boolean;
  /** This process's id, written into the lock file. */
  pid: number;
  /** Whether a process with this id exists (a lock holder still running). */
  isAlive(pid: number): boolean;
  /**
   * When the process with this id started, as an opaque string that differs for another process
   * that gets the same id later (a recycled pid); null when there is no such process, or the
   * system does not tell (no /proc).
   */
  processStart(pid: number): string | null;
  /** Seconds since boot and the 1-minute load average, for heartbeats. */
  host(): { uptime: number; load: number };
}

const HOOK_OUTPUT_KEEP = 4096;

/** child_process is loaded only when a hook runs (~2 MB of RSS otherwise spent on every run). */
async function runShell(
  command: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<HookResult> {
  const { spawn: spawnChild } = await import("node:child_process");
  return new Promise((resolve) => {
    const child = spawnChild("/bin/sh", ["-c", command], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (d: Buffer) => {
      output = (output + d.toString("utf8")).slice(-HOOK_OUTPUT_KEEP);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: null, output: e.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

let bootId: string | undefined;

/**
 * Linux: the boot's id and field 22 of /proc/PID/stat (the process's start, in clock ticks since
 * boot). Not /proc/stat's `btime`: computed from the clock, it can move by a second when NTP steps
 * the clock, and a live holder would then look like a recycled pid. The boot id is a random UUID
 * drawn at each boot; ticks since boot never move.
 */
function processStart(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // Field 2 is the command in parentheses, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = fields[22 - 3];
  if (ticks === undefined || !/^\d+$/.test(ticks)) return null;
  if (bootId === undefined) {
    try {
      bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      bootId = "";
    }
  }
  return `${bootId}:${ticks}`;
}

/** The real world. */
export function nodeDeps(): Deps {
  return {
    fetch: nodeFetch,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: Math.random,
    fs: {
      open: (p, flags, mode) => fsp.open(p, flags, mode),
      stat: (p) => fsp.stat(p),
      readdir: (p) => fsp.readdir(p),
      readFile: (p, enc) => fsp.readFile(p, enc),
      rename: fsp.rename,
      unlink: fsp.unlink,
      link: fsp.link,
      mkdir: (p, o) => fsp.mkdir(p, o),
    },
    spawn: runShell,
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stderrIsTTY: process.stderr.isTTY === true,
    pid: process.pid,
    isAlive,
    processStart,
    host: () => ({ uptime: Math.round(uptime()), load: Math.round(loadavg()[0] * 100) / 100 }),
  };
}
