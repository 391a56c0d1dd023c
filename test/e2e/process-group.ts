/**
 * A command run in its own process group, for the end-to-end tests: its output collected, a wait
 * for a line of it, and a stop that kills the whole group (wrangler's node, workerd…), which the
 * tests call from afterAll so that nothing outlives them, failed or not.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const GUARD = join(import.meta.dirname, "..", "..", "scripts", "guard.mjs");

export interface Group {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `re` in the output; rejects when the command exits first or `ms` pass. */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once the command exits. */
  exited: Promise<number | string>;
  /** Kills the group: `signal`, then SIGKILL after 5 s if anything is left. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startGroup(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Group {
  // Under scripts/guard.mjs, which leads the group and ends it when this process dies, however
  // it dies: a test run killed from outside leaves nothing behind either.
  const child = spawn(process.execPath, [GUARD, cmd, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  const listeners = new Set<() => void>();
  const collect = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "?")),
  );
  const alive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    child,
    output: () => out,
    exited,
    waitFor(re, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (!m) return false;
          done();
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${re} within ${ms / 1000} s:\n${out}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(onData);
        };
        const onData = () => void check();
        if (check()) return;
        listeners.add(onData);
        void exited.then(() => {
          if (!listeners.has(onData) || check()) return;
          done();
          reject(new Error(`${cmd} exited before ${re}:\n${out}`));
        });
      });
    },
    async stop(signal = "SIGTERM") {
      if (!alive()) return;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        return;
      }
      for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive()) process.kill(-child.pid!, "SIGKILL");
    },
  };
}
