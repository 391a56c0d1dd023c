// `npm start`: Vigie on this machine, on wrangler's local D1, no Cloudflare account. Starts the
// worker (wrangler builds the country table when it must) while it brings the agent bundle and
// the migrations up to date, creates the demo site once, ships the fixture logs with the real edge
// agent, plays the demo watchdog's failover and failback, prints where to look, and serves until
// Ctrl-C. It refuses a port in use, stops (exit 1)
// if its worker dies, and its worker dies with it (scripts/guard.mjs), even on SIGKILL.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeApis } from "../test/fakes/dns-providers";
import { createDemo, type Demo, DemoClient, fakeZone, playFailoverAndFailback } from "./demo";
import { serveFakeDns } from "./fake-dns";
import {
  freePort,
  type LocalWorker,
  localState,
  portInUse,
  quietEnv,
  root,
  startLocalWorker,
} from "./local-worker";
import { applyMigrations } from "./site-lib";
import { agentBundle, databaseFile, ensureAgent, migrationNames, sameFile } from "./up-to-date";

const t0 = performance.now();
const { dir: state, db: persistTo } = localState();
const demoFile = join(state, "demo.json");
const runningFile = join(state, "running.json");
const say = (s: string) => console.log(`vigie: ${s}`);
const wrangler = { cwd: root };

/** Runs `work`; says `label` if it is still running after a second (every step over 2 s is told). */
async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const timer = setTimeout(() => say(`${label}…`), 1000);
  try {
    return await work();
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command, its output kept for the error message only. */
function run(cmd: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: quietEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code}):\n${out}`)),
    );
  });
}

interface Saved extends Demo {
  /** The database file the tokens and migrations were recorded against. */
  db: { file: string; ino: number; birth: number };
  migrations: string[];
}

/**
 * Applies pending migrations and creates the demo, unless `.vigie/demo.json` says both were done
 * on this very database file (wrangler's `migrations apply` alone costs a couple of seconds).
 */
async function prepareDatabase(): Promise<Demo> {
  const migrations = migrationNames();
  let saved: Saved | undefined;
  try {
    saved = JSON.parse(readFileSync(demoFile, "utf8"));
  } catch {
    // First start, or `.vigie/` removed.
  }
  // A demo.json from before the database moved to .wrangler/state has no `db`: made again.
  const same = saved?.db !== undefined && sameFile(saved.db, databaseFile(persistTo));
  if (same && saved!.migrations.join() === migrations.join()) return saved!;
  await applyMigrations({ remote: false, persistTo }, wrangler);
  let demo: Demo = saved!;
  if (!same) {
    demo = await createDemo(persistTo, wrangler);
    // Checkpoints against another database would make the agent skip what this one lacks.
    for (const f of ["agent-state.json", "agent-state.json.heartbeat"])
      rmSync(join(state, f), { force: true });
  }
  const db = databaseFile(persistTo);
  if (!db) throw new Error(`no local D1 file under ${persistTo} after the migrations`);
  const { site, agentToken, readToken, nodes } = demo;
  const record: Saved = { site, agentToken, readToken, nodes, db, migrations };
  writeFileSync(demoFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return demo;
}

function shipDemoLogs(worker: LocalWorker, demo: Demo): Promise<void> {
  const config = join(state, "agent.json");
  const fixture = (f: string) => ({ path: join(root, "test", "fixtures", f), format: "combined" });
  const agentConfig = {
    workerUrl: worker.url,
    site: demo.site,
    token: demo.agentToken,
    stateFile: join(state, "agent-state.json"),
    lockFile: join(state, "agent.lock"),
    logs: [
      fixture("semicomplete-2015-05.combined.log"),
      fixture("basjes-2015-10-hackers.combined.log"),
    ],
  };
  writeFileSync(config, `${JSON.stringify(agentConfig, null, 2)}\n`, { mode: 0o600 });
  return run(process.execPath, [agentBundle, "run", "--config", config], "the edge agent");
}

let worker: LocalWorker | undefined;
let stopping = false;
let announced = false;

/** Stops the worker (the guard would take it down with this process anyway) and exits. */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (code === 0) say("stopping…");
  await worker?.stop();
  if (announced) rmSync(runningFile, { force: true });
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
process.on("SIGHUP", () => void stop(0));

async function main(): Promise<void> {
  // PORT picks the port (0: any free one); 8787 by default. A port in use is an error, not a detour:
  // the URL printed is always the port asked for.
  const port = process.env.PORT === "0" ? await freePort() : Number(process.env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`PORT=${process.env.PORT} is not a port number`);
  if (await portInUse(port))
    throw new Error(
      `port ${port} is already in use: Vigie already running? (one \`npm start\` serves every site; \`PORT=${port + 1} npm start\` picks another port)`,
    );
  mkdirSync(state, { recursive: true });

  // The watchdog's DNS provider, faked on loopback, so that the demo's failover writes somewhere.
  const fakes = new FakeApis();
  fakes.reset(fakeZone());
  const dns = await serveFakeDns(fakes, 0);

  // Meanwhile, wrangler dev's own [build] makes the country table if need be (wrangler.toml).
  const agent = step("bundling the edge agent", ensureAgent);
  const database = step("applying D1 migrations and creating the demo site", prepareDatabase);
  for (const p of [agent, database]) p.catch(() => {}); // awaited below; not "unhandled" meanwhile
  const geoMissing = !existsSync(join(root, "worker", "generated", "geo.bin"));
  say(
    `starting the worker (wrangler dev, local workerd and D1) on port ${port}${geoMissing ? "; first, wrangler's build makes the country table" : ""}…`,
  );
  worker = await startLocalWorker({
    persistTo,
    port,
    testScheduled: true,
    vars: {
      DNS_API_BASE: `http://127.0.0.1:${dns.port}/client/v4`,
      DNS_TOKEN: fakes.cfToken,
      NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${dns.port}/hook`,
      DEV_CLIENT_IP_HEADER: "1",
    },
  });
  void worker.exited.then((code) => {
    if (stopping) return;
    console.error(`vigie: the worker stopped (exit ${code}); its last words:`);
    console.error(worker!.output().trim().split("\n").slice(-15).join("\n"));
    void stop(1);
  });
  const demo = await database;
  await agent;

  const client = new DemoClient(worker.url, demo);
  const [, played] = await Promise.all([
    step("shipping the demo's logs with the edge agent", () => shipDemoLogs(worker!, demo)),
    step("playing the demo watchdog's failover and failback", () =>
      playFailoverAndFailback(client),
    ),
  ]);
  if (played) {
    const st = await client.status();
    if (st.state !== "MASTER_ACTIVE" || st.events.length < 6)
      say(
        `the demo's failover did not play out as planned: ${st.state}, ${st.events.length} events`,
      );
  }
  // The demo's boxes keep heartbeating, as their cron would, so its watchdog page stays green.
  setInterval(() => {
    void client.heartbeat("home").catch(() => {});
    void client.heartbeat("backup").catch(() => {});
  }, 5000);
  announced = true;
  writeFileSync(
    runningFile,
    `${JSON.stringify({ pid: process.pid, url: worker.url, db: persistTo }, null, 2)}\n`,
  );

  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  say(
    `ready in ${seconds} s. Watchdog: ${worker.url}/sites/demo/watchdog. Your own log: npm run try -- /var/log/nginx/access.log`,
  );
  console.log(`Vigie is running: ${worker.url}/sites/${demo.site}/`);
  console.log(`read token: ${demo.readToken}`);
}

main().catch((e) => {
  console.error(`vigie: ${e instanceof Error ? e.message : e}`);
  void stop(1);
});
