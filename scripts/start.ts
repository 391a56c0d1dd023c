// `npm start`: Vigie on this machine, on its embedded default — wrangler's local D1, no Cloudflare
// account. Applies migrations, starts the worker, creates the demo site, ships the fixture logs
// with the real edge agent, sends heartbeats, prints where to look, and serves until Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addSite, freePort, migrateLocal, quietEnv, root, startLocalWorker } from "./local-worker";

// VIGIE_STATE moves the demo's state (local D1, tokens, agent checkpoints) elsewhere (tests do).
const state = process.env.VIGIE_STATE ?? join(root, ".vigie");
const persistTo = join(state, "local");
const demoFile = join(state, "demo.json");
const say = (s: string) => console.log(`vigie: ${s}`);

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { cwd: root, env: quietEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function runAsync(cmd: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: quietEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${what} failed (exit ${code}):\n${out}\n${err}`)),
    );
  });
}

async function main() {
  mkdirSync(persistTo, { recursive: true });
  say("building the country table and the agent…");
  run(process.execPath, ["scripts/build-geo.mjs"], "build-geo");
  run("npm", ["run", "--silent", "build:agent"], "build:agent");

  say("applying D1 migrations (local)…");
  migrateLocal(persistTo);
  let demo: { site: string; agentToken: string; readToken: string; nodes: Record<string, string> };
  if (existsSync(demoFile)) {
    demo = JSON.parse(readFileSync(demoFile, "utf8"));
  } else {
    const config = join(state, "demo-site.json");
    writeFileSync(
      config,
      JSON.stringify({
        siteHosts: ["semicomplete.com", "howto.basjes.nl"],
        watched: { addresses: [], userAgents: ["Tiny Tiny RSS"] },
      }),
    );
    demo = { ...addSite("demo", persistTo, ["--config", config]), nodes: {} };
    for (const [node, role] of [
      ["home", "master"],
      ["backup", "standby"],
    ]) {
      const out = run(
        process.execPath,
        [
          join(root, "node_modules", "tsx", "dist", "cli.mjs"),
          "scripts/site.ts",
          "node",
          "demo",
          node,
          "--role",
          role,
          "--persist-to",
          persistTo,
        ],
        "site node",
      );
      demo.nodes[node] = JSON.parse(out.trim().split("\n").pop()!).nodeToken;
    }
    writeFileSync(demoFile, JSON.stringify(demo, null, 2));
  }

  // PORT picks the port; PORT=0 any free one; by default 8787 when free.
  const port =
    process.env.PORT === "0"
      ? await freePort()
      : process.env.PORT
        ? Number(process.env.PORT)
        : await freeOr(8787);
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
  writeFileSync(
    agentConfig,
    JSON.stringify(
      {
        workerUrl: worker.url,
        site: demo.site,
        token: demo.agentToken,
        stateFile: join(state, "agent-state.json"),
        lockFile: join(state, "agent.lock"),
        logs: [
          {
            path: join(root, "test", "fixtures", "semicomplete-2015-05.combined.log"),
            format: "combined",
          },
          {
            path: join(root, "test", "fixtures", "basjes-2015-10-hackers.combined.log"),
            format: "combined",
          },
        ],
      },
      null,
      2,
    ),
  );
  process.stdout.write(
    run(
      process.execPath,
      [join(root, "dist", "vigie-agent.mjs"), "run", "--config", agentConfig],
      "the edge agent",
    ),
  );

  say("sending heartbeats from the demo master and standby…");
  const edge = await startEdge(worker.url, {
    [demo.nodes.home]: DEMO_ADDRESSES.home,
    [demo.nodes.backup]: DEMO_ADDRESSES.backup,
  });
  for (const [node, role] of [
    ["home", "master"],
    ["backup", "standby"],
  ] as const) {
    const cfg = join(state, `agent-${node}.json`);
    writeFileSync(
      cfg,
      JSON.stringify(
        {
          workerUrl: edge,
          site: demo.site,
          logs: [],
          node: { name: node, role, token: demo.nodes[node] },
          stateFile: join(state, `agent-${node}-state.json`),
          lockFile: join(state, `agent-${node}.lock`),
        },
        null,
        2,
      ),
    );
    // Asynchronously: the loopback edge above runs in this process and must keep serving.
    process.stdout.write(
      await runAsync(
        process.execPath,
        [join(root, "dist", "vigie-agent.mjs"), "heartbeat", "--config", cfg],
        `the ${node} heartbeat`,
      ),
    );
  }

  const url = `${worker.url}/sites/${demo.site}/`;
  console.log(`Vigie is running: ${url}`);
  console.log(`read token: ${demo.readToken}`);
  await new Promise(() => {}); // serve until Ctrl-C
}

/**
 * Demo addresses for the two nodes. In production Cloudflare's edge sets CF-Connecting-IP to the
 * node's public address and the worker refuses private and loopback ones; locally every request
 * comes from 127.0.0.1, so this loopback "edge" sets the header the way Cloudflare would.
 */
const DEMO_ADDRESSES = { home: "81.2.69.160", backup: "81.2.69.161" };

async function startEdge(target: string, addressByToken: Record<string, string>): Promise<string> {
  const { createServer } = await import("node:http");
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === "string" && k !== "host" && k !== "content-length") headers.set(k, v);
    headers.set("cf-connecting-ip", addressByToken[token] ?? "127.0.0.1");
    const r = await fetch(target + req.url, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return `http://127.0.0.1:${port}`;
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
