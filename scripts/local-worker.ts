// Starts the worker locally with `wrangler dev` (workerd, local D1 persisted to a folder), for
// `npm start`, the benchmarks and the end-to-end tests. Loopback only; no Cloudflare account.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wranglerJs = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
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
  child: ChildProcess;
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

/** Applies pending D1 migrations to the local database in `persistTo`. */
export function migrateLocal(persistTo: string): void {
  const r = spawnSync(
    process.execPath,
    [wranglerJs, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo],
    { cwd: root, env: quietEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  if (r.status !== 0)
    throw new Error(`wrangler d1 migrations apply failed:\n${r.stdout}\n${r.stderr}`);
}

/** Starts `wrangler dev` on a free loopback port and resolves once /healthz answers. */
export async function startLocalWorker(opts: {
  persistTo: string;
  port?: number;
  vars?: Record<string, string>;
  testScheduled?: boolean;
  log?: (line: string) => void;
}): Promise<LocalWorker> {
  const port = opts.port ?? (await freePort());
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
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: quietEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
    if (opts.log) for (const l of d.toString().split("\n")) if (l.trim()) opts.log(l);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
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
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, port, child, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /healthz within 60 s:\n${output}`);
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
