// Starts the worker locally with `wrangler dev` (workerd, local D1 persisted to a folder), for
// `npm start`, the benchmarks and the end-to-end tests. Loopback only; no Cloudflare account.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wranglerJs = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const guardJs = join(root, "scripts", "guard.mjs");
export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
};

export interface LocalWorker {
  url: string;
  port: number;
  /** scripts/guard.mjs, the leader of the worker's process group: `kill(-child.pid)` ends it all. */
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the worker has stopped, whatever stopped it. */
  exited: Promise<number | string>;
  /** wrangler's last 20 kB of output. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Where local runs keep their state: `.vigie/` (tokens, the agent's checkpoints) and wrangler's own
 * default for the local D1, `.wrangler/state`, so that `npm start`, `npm run site`, `npm run try`
 * and a bare `npx wrangler dev` or `npx wrangler d1 execute DB --local` all see the same database.
 * VIGIE_STATE moves both into one directory (`$VIGIE_STATE/local` for the database): tests do.
 */
export function localState(env: NodeJS.ProcessEnv = process.env): { dir: string; db: string } {
  const moved = env.VIGIE_STATE;
  return moved
    ? { dir: resolve(moved), db: join(resolve(moved), "local") }
    : { dir: join(root, ".vigie"), db: join(root, ".wrangler", "state") };
}

/**
 * `fetch`, tried once more on a connection error: a kept-alive connection that the local server
 * closed just as it was reused fails that way. For requests that are safe to repeat.
 */
export async function fetchAgain(input: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch {
    return fetch(input, init);
  }
}

/** Whether something already listens on 127.0.0.1:port. */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(true));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(false)));
  });
}

export class WorkerStartError extends Error {
  override name = "WorkerStartError";
}

/**
 * Starts `wrangler dev` on a loopback port and resolves once it says it is ready on that very port
 * and /healthz answers. It runs under scripts/guard.mjs, in a process group of its own that dies
 * with this process (even on SIGKILL); `exited` resolves when it stops, for whatever reason.
 */
export async function startLocalWorker(opts: {
  persistTo: string;
  port?: number;
  vars?: Record<string, string>;
  testScheduled?: boolean;
  log?: (line: string) => void;
}): Promise<LocalWorker> {
  const port = opts.port ?? (await freePort());
  if (await portInUse(port)) throw new WorkerStartError(`port ${port} is already in use`);
  const args = [
    wranglerJs,
    "dev",
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    opts.persistTo,
    "--inspector-port",
    String(await freePort()),
  ];
  if (opts.testScheduled) args.push("--test-scheduled");
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push("--var", `${k}:${v}`);
  const child = spawn(process.execPath, [guardJs, process.execPath, ...args], {
    cwd: root,
    env: quietEnv,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
    if (opts.log) for (const l of d.toString().split("\n")) if (l.trim()) opts.log(l);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | string>((r) =>
    child.once("exit", (code, signal) => r(code ?? signal ?? "?")),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  let ready = false;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new WorkerStartError(`wrangler dev exited (${await exited}):\n${output}`);
    const said = /Ready on http:\/\/[^:\s]+:(\d+)/.exec(output)?.[1];
    if (said !== undefined && Number(said) !== port) {
      await stop();
      throw new WorkerStartError(`wrangler dev took port ${said}, not ${port}:\n${output}`);
    }
    if (said !== undefined || ready) {
      ready = true;
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) return { url, port, child, exited, stop, output: () => output };
      } catch {
        /* not up yet */
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new WorkerStartError(`wrangler dev did not answer /healthz within 90 s:\n${output}`);
}

/** Creates a site with the site CLI (same code path as `npm run site -- add`). */
export function addSite(
  name: string,
  persistTo: string,
  extra: string[] = [],
): { site: string; agentToken: string; readToken: string } {
  const r = spawnSync(
    process.execPath,
    [
      join(root, "node_modules", "tsx", "dist", "cli.mjs"),
      join(root, "scripts", "site.ts"),
      "add",
      name,
      "--persist-to",
      persistTo,
      ...extra,
    ],
    { cwd: root, env: quietEnv, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`site add failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}
