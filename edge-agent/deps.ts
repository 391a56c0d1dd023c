/**
 * Everything the agent does to the outside world goes through `Deps`, so tests drive `runAgent`
 * in-process with a fake clock, a failing filesystem or a crash at any chosen call.
 */
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
  /** This process's id, written into the lock file. */
  pid: number;
  /** Whether a process with this id exists (a lock holder still running). */
  isAlive(pid: number): boolean;
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
    pid: process.pid,
    isAlive,
    host: () => ({ uptime: Math.round(uptime()), load: Math.round(loadavg()[0] * 100) / 100 }),
  };
}
