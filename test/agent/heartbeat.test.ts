// `vigie-agent heartbeat` against a fake worker on loopback, for what the real route cannot easily
// be made to do (5xx, a master address that changes, a failing hook; failures.test.ts beats against
// the real route). The fake follows DESIGN.md's public contract — POST /api/v1/heartbeat, Bearer
// node token, optional JSON body { version, uptime, load, replicatedAt }; reply { epoch, state,
// active, masterAddress }; 401 for a wrong token, 422 for a private or CGNAT address — and records
// what it was sent.
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "../../edge-agent/agent";
import { EXIT } from "../../edge-agent/exit-codes";
import { AGENT_VERSION } from "../../edge-agent/version";
import { freePort } from "../../scripts/local-worker";
import { testDeps } from "./deps";
import { removeTempDirs, tempDir } from "./temp";

const NODE_TOKEN = "vgn_standby-token";

interface FakeWatchdog {
  url: string;
  received: { auth: string | undefined; contentType: string | undefined; body: unknown }[];
  reply: { epoch: number; state: string; active: string; masterAddress: string | null };
  /** The address the fake sees the node at (CF-Connecting-IP in the real worker). */
  nodeAddress: string;
  /** Answer this status (once per entry) before answering normally. */
  failures: number[];
  close(): Promise<void>;
}

const PRIVATE =
  /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;

async function startFakeWatchdog(): Promise<FakeWatchdog> {
  const fake: FakeWatchdog = {
    url: "",
    received: [],
    failures: [],
    nodeAddress: "203.0.113.7",
    reply: { epoch: 3, state: "MASTER_ACTIVE", active: "cubox", masterAddress: "198.51.100.10" },
    close: async () => {},
  };
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method !== "POST" || req.url !== "/api/v1/heartbeat")
        return send(404, {
          error: { code: "not_found", message: `no route ${req.method} ${req.url}` },
        });
      const failure = fake.failures.shift();
      if (failure !== undefined)
        return send(failure, { error: { code: "internal", message: "injected" } });
      fake.received.push({
        auth: req.headers.authorization,
        contentType: req.headers["content-type"],
        body: text ? JSON.parse(text) : null,
      });
      if (req.headers.authorization !== `Bearer ${NODE_TOKEN}`)
        return send(401, { error: { code: "unauthorized", message: "unknown node token" } });
      if (PRIVATE.test(fake.nodeAddress))
        return send(422, {
          error: {
            code: "unprocessable",
            message: `${fake.nodeAddress} is a private or CGNAT address`,
          },
        });
      send(200, fake.reply);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((ok) => server.close(() => ok()));
  return fake;
}

let fake: FakeWatchdog;
beforeAll(async () => {
  fake = await startFakeWatchdog();
});
afterAll(async () => {
  await fake.close();
  removeTempDirs();
});

function setup(extra: Record<string, unknown> = {}) {
  const dir = tempDir("heartbeat");
  const hookOut = join(dir, "hook.out");
  const config = join(dir, "agent.json");
  writeFileSync(
    config,
    JSON.stringify({
      workerUrl: fake.url,
      site: "blog",
      node: { name: "plug", role: "standby", token: NODE_TOKEN },
      stateFile: join(dir, "state.json"),
      hooks: { onMasterAddressChange: `env | grep ^VIGIE_ | sort > ${hookOut}` },
      retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 100 },
      ...extra,
    }),
  );
  const run = async (
    options: { dryRun?: boolean; verbose?: boolean } = {},
    env: Record<string, string> = {},
  ) => {
    const deps = testDeps({ env });
    const code = await runAgent({ command: "heartbeat", configPath: config, ...options }, deps);
    return { code, out: deps.out.join(""), err: deps.err.join(""), sleeps: deps.sleeps };
  };
  const hookEnv = () => (existsSync(hookOut) ? readFileSync(hookOut, "utf8") : null);
  return { dir, hookOut, config, run, hookEnv };
}

describe("heartbeat", () => {
  it("sends version, uptime and load with the node token; runs the hook when the master's address changes, only then", async () => {
    const s = setup();
    fake.reply = {
      epoch: 3,
      state: "MASTER_ACTIVE",
      active: "cubox",
      masterAddress: "198.51.100.10",
    };
    const first = await s.run();
    expect(first).toMatchObject({ code: EXIT.ok, out: "", err: "" });
    expect(fake.received.at(-1)).toEqual({
      auth: `Bearer ${NODE_TOKEN}`,
      contentType: "application/json",
      body: { version: AGENT_VERSION, uptime: 12345, load: 0.25 },
    });
    expect(s.hookEnv()).toBe(
      [
        "VIGIE_ACTIVE_NODE=cubox",
        "VIGIE_EPOCH=3",
        "VIGIE_MASTER_ADDRESS=198.51.100.10",
        "VIGIE_NODE=plug",
        "VIGIE_PREVIOUS_MASTER_ADDRESS=",
        "VIGIE_ROLE=standby",
        "VIGIE_SITE=blog",
        "VIGIE_STATE=MASTER_ACTIVE",
        "",
      ].join("\n"),
    );

    writeFileSync(s.hookOut, "untouched");
    expect((await s.run()).code).toBe(EXIT.ok);
    expect(s.hookEnv()).toBe("untouched");

    fake.reply = { ...fake.reply, epoch: 4, masterAddress: "198.51.100.99" };
    const moved = await s.run({ verbose: true });
    expect(moved.code).toBe(EXIT.ok);
    expect(moved.out).toContain("master address 198.51.100.10 → 198.51.100.99: running env");
    expect(s.hookEnv()).toContain(
      "VIGIE_MASTER_ADDRESS=198.51.100.99\nVIGIE_NODE=plug\nVIGIE_PREVIOUS_MASTER_ADDRESS=198.51.100.10\n",
    );
  });

  it("a failing hook: exit 7 with its output; it runs again on the next heartbeat until it succeeds", async () => {
    const s = setup();
    const flag = join(s.dir, "fail");
    writeFileSync(flag, "");
    writeFileSync(
      s.config,
      JSON.stringify({
        ...JSON.parse(readFileSync(s.config, "utf8")),
        hooks: {
          onMasterAddressChange: `if [ -e ${flag} ]; then echo "openvpn: cannot write /etc/openvpn/standby.conf" >&2; exit 3; fi; echo "$VIGIE_MASTER_ADDRESS" > ${s.hookOut}`,
        },
      }),
    );
    fake.reply = {
      epoch: 5,
      state: "STANDBY_ACTIVE",
      active: "plug",
      masterAddress: "198.51.100.20",
    };
    const failed = await s.run();
    expect(failed.code).toBe(EXIT.hook);
    expect(failed.err).toContain("hook onMasterAddressChange");
    expect(failed.err).toContain(
      "exited with 3 for the new master address 198.51.100.20; it runs again on the next heartbeat. Its output:\nopenvpn: cannot write /etc/openvpn/standby.conf",
    );
    expect((await s.run()).code).toBe(EXIT.hook);
    rmSync(flag);
    expect((await s.run()).code).toBe(EXIT.ok);
    expect(s.hookEnv()).toBe("198.51.100.20\n");
  });

  it("the worker's refusals and failures: clear messages and exit codes", async () => {
    const s = setup({ node: { name: "plug", role: "standby", token: "vgn_wrong" } });
    const wrong = await s.run();
    expect(wrong.code).toBe(EXIT.auth);
    expect(wrong.err).toBe(
      "vigie-agent: heartbeat of node plug: the worker refused the node token (401 unauthorized: unknown node token). Check node.token in the config file or VIGIE_NODE_TOKEN.\n",
    );
    expect((await s.run({}, { VIGIE_NODE_TOKEN: NODE_TOKEN })).code).toBe(EXIT.ok);

    const ok = setup();
    fake.nodeAddress = "100.64.1.2";
    const cgnat = await ok.run();
    fake.nodeAddress = "203.0.113.7";
    expect(cgnat.code).toBe(EXIT.refused);
    expect(cgnat.err).toContain("100.64.1.2 is a private or CGNAT address");

    fake.failures = [503, 500];
    const retried = await ok.run();
    expect(retried.code).toBe(EXIT.ok);
    expect(retried.sleeps).toHaveLength(2);

    const down = setup({ workerUrl: `http://127.0.0.1:${await freePort()}` });
    const unreachable = await down.run();
    expect(unreachable.code).toBe(EXIT.unavailable);
    expect(unreachable.err).toMatch(
      /heartbeat of node plug: cannot reach .* \(ECONNREFUSED\) \(gave up after 3 attempts\)/,
    );
  });

  it("a standby names the file its replication job touches: its mtime goes as replicatedAt (epoch seconds)", async () => {
    const marker = join(tempDir("replica"), "last-sync");
    const s = setup({
      node: { name: "plug", role: "standby", token: NODE_TOKEN, replicatedAtFile: marker },
    });
    expect((await s.run()).code).toBe(EXIT.ok);
    expect(fake.received.at(-1)?.body).toEqual({
      version: AGENT_VERSION,
      uptime: 12345,
      load: 0.25,
    });
    writeFileSync(marker, "");
    utimesSync(marker, 1_764_000_000, 1_764_000_000);
    expect((await s.run()).code).toBe(EXIT.ok);
    expect(fake.received.at(-1)?.body).toEqual({
      version: AGENT_VERSION,
      uptime: 12345,
      load: 0.25,
      replicatedAt: 1_764_000_000,
    });
  });

  it("--dry-run sends nothing; a long log upload holding the run lock never delays a heartbeat", async () => {
    const s = setup();
    const before = fake.received.length;
    const dry = await s.run({ dryRun: true });
    expect(dry.code).toBe(EXIT.ok);
    expect(dry.out).toBe(
      `would send to ${fake.url}/api/v1/heartbeat as node plug (standby): {"version":"${AGENT_VERSION}","uptime":12345,"load":0.25}\n`,
    );
    expect(fake.received.length).toBe(before);

    writeFileSync(
      join(s.dir, "state.json.lock"),
      JSON.stringify({ pid: process.pid, since: Date.now() }),
    );
    expect((await s.run()).code).toBe(EXIT.ok);
    expect(fake.received.length).toBe(before + 1);
  });
});
