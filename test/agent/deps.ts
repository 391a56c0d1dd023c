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

/** File-handle calls that change the disk; reads and close are not effects. */
const HANDLE_EFFECTS = new Set(["writeFile", "write", "sync", "datasync", "truncate"]);

/**
 * Deps whose side effects (fetch, file writes, fsyncs, renames, unlinks, links) are counted; the
 * `crashAt`-th one crashes the "process": `when: "after"` lets it happen first (the worker applied
 * the chunk, the checkpoint was not written), `"before"` does not. From then on every effect throws,
 * as nothing more would happen in a dead process.
 */
export function crashingDeps(base: Deps, crashAt: number, when: "before" | "after") {
  let count = 0;
  let crashed = false;
  async function effect<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (crashed) throw new SimulatedCrash(`after the crash: ${what}`);
    count += 1;
    if (count === crashAt) {
      crashed = true;
      if (when === "after") await run();
      throw new SimulatedCrash(`crash ${when} effect ${count}: ${what}`);
    }
    return run();
  }
  const wrapHandle = (fh: FileHandle, path: string): FileHandle =>
    new Proxy(fh, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (typeof v !== "function") return v;
        const fn = v as (...a: unknown[]) => Promise<unknown>;
        if (!HANDLE_EFFECTS.has(String(prop))) return fn.bind(target);
        return (...args: unknown[]) => effect(`${String(prop)} ${path}`, () => fn.apply(target, args));
      },
    });
  const fs = base.fs;
  const deps: Deps = {
    ...base,
    fetch: (input, init) => effect(`fetch ${String(input)}`, () => base.fetch(input, init)),
    fs: {
      ...fs,
      open: async (p, flags, mode) => {
        if (flags !== "r") return effect(`open ${p} ${flags}`, async () => wrapHandle(await fs.open(p, flags, mode), p));
        return wrapHandle(await fs.open(p, flags, mode), p);
      },
      rename: (a, b) => effect(`rename ${a}`, () => fs.rename(a, b)),
      unlink: (p) => effect(`unlink ${p}`, () => fs.unlink(p)),
      link: (a, b) => effect(`link ${a}`, () => fs.link(a, b)),
    },
  };
  return { deps, effects: () => count, crashed: () => crashed };
}
