// Test deps for runAgent: the real filesystem and network, with output captured, no real sleeping,
// an empty environment, and (crashingDeps) a simulated crash at a chosen side effect.
import type { FileHandle } from "node:fs/promises";
import type { Deps } from "../../edge-agent/deps";
import { nodeDeps } from "../../edge-agent/deps";

export interface TestDeps extends Deps {
  out: string[];
  err: string[];
  sleeps: number[];
}

export function testDeps(overrides: Partial<Deps> = {}): TestDeps {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  return {
    ...nodeDeps(),
    env: {},
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stderrIsTTY: false,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    host: () => ({ uptime: 12345, load: 0.25 }),
    ...overrides,
    out,
    err,
    sleeps,
  };
}

/** Thrown at the simulated crash: the agent treats it as the bug it would be, and stops. */
export class SimulatedCrash extends Error {
  override name = "SimulatedCrash";
}

/** File-handle calls that change the disk, by kind; reads and close are not effects. */
const HANDLE_EFFECTS: Record<string, EffectKind> = {
  writeFile: "write",
  write: "write",
  sync: "sync",
  datasync: "sync",
  truncate: "write",
};

export type EffectKind = "fetch" | "open" | "write" | "sync" | "rename" | "unlink";

export interface CrashPoint {
  /** Crash at the `nth` effect of this kind… */
  kind: EffectKind;
  nth: number;
  /** Only effects whose description holds this text count. */
  match?: string;
  /** …after it happened (e.g. the worker applied the chunk, the checkpoint was not written) or before. */
  when: "before" | "after";
}

/**
 * Deps whose side effects (requests, file opens for writing, writes, fsyncs, renames, unlinks) of
 * the chosen kind are counted; at the chosen one the "process" crashes: that call throws, and so does every
 * later effect, as nothing more would happen in a dead process. (Closing files is still allowed.)
 */
export function crashingDeps(base: Pick<Deps, "fetch" | "fs">, at: CrashPoint) {
  let count = 0;
  let crashed = false;
  async function effect<T>(kind: EffectKind, what: string, run: () => Promise<T>): Promise<T> {
    if (crashed) throw new SimulatedCrash(`after the crash: ${what}`);
    if (kind !== at.kind || (at.match !== undefined && !what.includes(at.match))) return run();
    const n = ++count;
    if (n === at.nth) {
      crashed = true;
      if (at.when === "after") {
        const done = (await run()) as { close?: () => Promise<void> } | undefined;
        await done?.close?.(); // a file opened just before the crash: the dead process would not hold it either
      }
      throw new SimulatedCrash(`crash ${at.when} ${kind} ${n}: ${what}`);
    }
    return run();
  }
  const wrapHandle = (fh: FileHandle, path: string): FileHandle =>
    new Proxy(fh, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (typeof v !== "function") return v;
        const fn = v as (...a: unknown[]) => Promise<unknown>;
        const kind = HANDLE_EFFECTS[String(prop)];
        if (kind === undefined) return fn.bind(target);
        return (...args: unknown[]) =>
          effect(kind, `${String(prop)} ${path}`, () => fn.apply(target, args));
      },
    });
  const fs = base.fs;
  const deps: Pick<Deps, "fetch" | "fs"> = {
    fetch: (input, init) =>
      effect("fetch", `${init.method} ${input}`, () => base.fetch(input, init)),
    fs: {
      ...fs,
      open: async (p, flags, mode) => {
        if (flags !== "r")
          return effect("open", `open ${p} ${flags}`, async () =>
            wrapHandle(await fs.open(p, flags, mode), p),
          );
        return wrapHandle(await fs.open(p, flags, mode), p);
      },
      rename: (a, b) => effect("rename", `rename ${a}`, () => fs.rename(a, b)),
      unlink: (p) => effect("unlink", `unlink ${p}`, () => fs.unlink(p)),
      link: (a, b) => effect("unlink", `link ${a}`, () => fs.link(a, b)),
    },
  };
  return { deps, crashed: () => crashed };
}
