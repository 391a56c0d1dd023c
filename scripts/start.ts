// `npm start`: Vigie on this machine, on its embedded default — wrangler's local D1, no Cloudflare
// account. Applies migrations, starts the worker, creates the demo site, ships the fixture logs
// with the real edge agent, sends heartbeats, prints where to look, and serves until Ctrl-C.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addSite, freePort, migrateLocal, quietEnv, root, startLocalWorker } from "./local-worker";

const state = join(root, ".vigie");
const persistTo = join(state, "local");
const demoFile = join(state, "demo.json");
const say = (s: string) => console.log(`vigie: ${s}`);

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { cwd: root, env: quietEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function main() {
  mkdirSync(persistTo, { recursive: true });
  say("building the country table and the agent…");
  run(process.execPath, ["scripts/build-geo.mjs"], "build-geo");
  run("npm", ["run", "--silent", "build:agent"], "build:agent");

  say("applying D1 migrations (local)…");
  migrateLocal(persistTo);
  let demo: { site: string; agentToken: string; readToken: string; nodeToken?: string; standbyToken?: string };
  if (existsSync(demoFile)) {
    demo = JSON.parse(readFileSync(demoFile, "utf8"));
  } else {
    const config = join(state, "demo-site.json");
    writeFileSync(config, JSON.stringify({ siteHosts: ["semicomplete.com", "howto.basjes.nl"], watched: { addresses: [], userAgents: ["Tiny Tiny RSS"] } }));
    demo = addSite("demo", persistTo, ["--config", config]);
    writeFileSync(demoFile, JSON.stringify(demo, null, 2));
  }

  const port = process.env.PORT ? Number(process.env.PORT) : await freeOr(8787);
  say(`starting the worker (wrangler dev, local workerd + D1) on port ${port}…`);
  const worker = await startLocalWorker({ persistTo, port, testScheduled: true });
  const stop = async () => {
    say("stopping…");
    await worker.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  say("shipping the fixture logs with the edge agent…");
  const agentConfig = join(state, "agent.json");
  writeFileSync(agentConfig, JSON.stringify({
    workerUrl: worker.url,
    site: demo.site,
    token: demo.agentToken,
    stateFile: join(state, "agent-state.json"),
    lockFile: join(state, "agent.lock"),
    logs: [
      { path: join(root, "test", "fixtures", "semicomplete-2015-05.combined.log"), format: "combined" },
      { path: join(root, "test", "fixtures", "basjes-2015-10-hackers.combined.log"), format: "combined" },
    ],
  }, null, 2));
  process.stdout.write(run(process.execPath, [join(root, "dist", "vigie-agent.mjs"), "run", "--config", agentConfig], "the edge agent"));

  const url = `${worker.url}/sites/${demo.site}/`;
  console.log(`Vigie is running: ${url}`);
  console.log(`read token: ${demo.readToken}`);
  await new Promise(() => {}); // serve until Ctrl-C
}

async function freeOr(preferred: number): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => freePort().then(resolve));
    s.listen(preferred, "127.0.0.1", () => s.close(() => resolve(preferred)));
  });
}

main().catch((e) => {
  console.error(`vigie: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
