// The worker's real code in one workerd and its D1 in a second (see remote-d1.ts), both through
// Miniflare, the library under `wrangler dev`: the first workerd's CPU is the worker's own.
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { build, type Plugin } from "esbuild";
import { Miniflare } from "miniflare";
import { type ProcCpu, procCpu, workerdPids } from "../proc-cpu";

const root = join(import.meta.dirname, "..", "..");
const COMPATIBILITY_DATE = "2026-04-26"; // wrangler.toml's
const DATABASE_ID = "00000000-0000-0000-0000-000000000000"; // wrangler.toml's: the same local file

/** Keeps `.bin` (Data) and `.wasm` (CompiledWasm) imports as modules beside the bundle, as wrangler does. */
function binaryModules(outdir: string): Plugin {
  return {
    name: "binary-modules",
    setup(b) {
      b.onResolve({ filter: /\.(bin|wasm)$/ }, (a) => {
        const file = join(a.resolveDir, a.path);
        copyFileSync(file, join(outdir, basename(file)));
        return { path: `./${basename(file)}`, external: true };
      });
    },
  };
}

const out = join(root, "bench", "data", "split");

async function bundle(entry: string, outdir: string): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, "index.mjs");
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    target: "es2022",
    outfile,
    external: ["cloudflare:*"],
    plugins: [binaryModules(outdir)],
    logLevel: "warning",
  });
  return outfile;
}

/** A workerd started through Miniflare, and its process. */
interface Started {
  mf: Miniflare;
  url: string;
  pid: number;
}

async function started(options: ConstructorParameters<typeof Miniflare>[0]): Promise<Started> {
  const before = new Set(workerdPids(process.pid));
  const mf = new Miniflare(options);
  const url = (await mf.ready).href.replace(/\/$/, "");
  const pid = workerdPids(process.pid).find((p) => !before.has(p));
  if (pid === undefined) throw new Error("no new workerd process");
  return { mf, url, pid };
}

export interface D1Host {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Serves the local database in `persistTo` (wrangler's --persist-to layout) to remote-d1.ts. */
export async function startD1Host(persistTo: string): Promise<D1Host> {
  const script = await bundle(join(import.meta.dirname, "d1-host.js"), join(out, "host"));
  const host = await started({
    modules: true,
    modulesRoot: dirname(script),
    scriptPath: script,
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases: { DB: DATABASE_ID },
    d1Persist: join(persistTo, "v3", "d1"),
  });
  return { url: host.url, pid: host.pid, stop: () => host.mf.dispose() };
}

export interface SplitWorker {
  url: string;
  /** The workerd running the worker's code. */
  appPid: number;
  /** Its CPU when it was ready: workerd's own start, the worker's modules and global scope. */
  startCpu: ProcCpu;
  host: D1Host;
  /** Replaces the worker's workerd by a fresh one (a new isolate); the database stays. */
  restartApp(): Promise<void>;
  stop(): Promise<void>;
}

export interface SplitOptions {
  vars?: Record<string, string>;
  /** The script: the worker (split-entry.js, the default) or the stages' (stages-entry.js). */
  entry?: string;
  /** A Chrome DevTools Protocol port on the worker's isolate (to profile it). */
  inspectorPort?: number;
}

/** Starts the worker on a D1 host of the local database in `persistTo`. */
export async function startSplitWorker(
  persistTo: string,
  { vars = {}, entry = "split-entry.js", inspectorPort }: SplitOptions,
): Promise<SplitWorker> {
  const host = await startD1Host(persistTo);
  const name = entry.replace(/\.js$/, "");
  const script = await bundle(join(import.meta.dirname, entry), join(out, name));
  const startApp = () =>
    started({
      modules: true,
      modulesRoot: dirname(script),
      scriptPath: script,
      modulesRules: [
        { type: "Data", include: ["**/*.bin"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { ...vars, D1_HOST: host.url },
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
    });
  let app = await startApp();
  const split: SplitWorker = {
    url: app.url,
    appPid: app.pid,
    startCpu: procCpu(app.pid),
    host,
    async restartApp() {
      await app.mf.dispose();
      app = await startApp();
      split.url = app.url;
      split.appPid = app.pid;
      split.startCpu = procCpu(app.pid);
    },
    async stop() {
      await app.mf.dispose();
      await host.stop();
    },
  };
  return split;
}
