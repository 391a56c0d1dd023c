import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAgent } from "../../edge-agent/agent";
import { missingFor, parseConfig } from "../../edge-agent/config";
import { EXIT } from "../../edge-agent/exit-codes";
import { testDeps } from "./deps";
import { removeTempDirs, tempDir } from "./temp";

afterAll(removeTempDirs);

const valid = {
  workerUrl: "https://vigie.example.workers.dev/",
  site: "blog",
  token: "vga_x",
  node: { name: "cubox", role: "standby", token: "vgn_y" },
  logs: [
    { path: "/var/log/nginx/access.log", format: "combined" },
    { glob: "logs/*.log", backfill: true },
  ],
  chunkBytes: 1 << 20,
  stateFile: "state/agent.json",
  hooks: { onMasterAddressChange: "/usr/local/sbin/openvpn-remote" },
};
const parse = (v: unknown, env: Record<string, string> = {}) =>
  parseConfig(JSON.stringify(v), "/etc/vigie/agent.json", env);

describe("agent config", () => {
  it("reads a full config; relative paths are the config file's; defaults fill the rest", () => {
    const r = parse(valid);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      workerUrl: "https://vigie.example.workers.dev",
      logs: [
        { path: "/var/log/nginx/access.log", format: "combined", backfill: false },
        { glob: "/etc/vigie/logs/*.log", backfill: true },
      ],
      stateFile: "/etc/vigie/state/agent.json",
      lockFile: "/etc/vigie/state/agent.json.lock",
      retry: { attempts: 6, initialDelayMs: 1000, maxDelayMs: 60_000 },
      timeoutMs: 120_000,
    });
  });

  it("takes secrets from the environment, which wins over the file", () => {
    const r = parse(valid, { VIGIE_TOKEN: "vga_env", VIGIE_NODE_TOKEN: "vgn_env" });
    expect(r.ok && [r.config.token, r.config.node?.token]).toEqual(["vga_env", "vgn_env"]);
  });

  // Each row: a change to the valid config, and the one message it must give.
  it.each<[string, Record<string, unknown>, string]>([
    ["missing URL", { workerUrl: undefined }, "workerUrl: missing"],
    ["not a URL", { workerUrl: "vigie" }, 'workerUrl: "vigie" is not a URL'],
    ["ftp URL", { workerUrl: "ftp://x" }, "workerUrl: must be http(s), not ftp:"],
    ["bad site", { site: "My Blog" }, 'site: "My Blog" is not a site name'],
    ["token not a string", { token: 42 }, "token: must be a non-empty string, not 42"],
    ["typo in a key", { chunkbytes: 5 }, 'chunkbytes: unknown key (did you mean "chunkBytes"?)'],
    ["chunk too small", { chunkBytes: 10 }, "chunkBytes: must be an integer from 4096 to"],
    [
      "bad role",
      { node: { name: "a", role: "primary" } },
      'node.role: must be "master" or "standby", not "primary"',
    ],
    ["logs not a list", { logs: "access.log" }, "logs: must be a list"],
    [
      "both path and glob",
      { logs: [{ path: "/a", glob: "/b*" }] },
      'logs[0]: needs exactly one of "path" or "glob"',
    ],
    [
      "wildcards in a path",
      { logs: [{ path: "/var/log/*.log" }] },
      'logs[0].path: "/var/log/*.log" has wildcards: use "glob"',
    ],
    ["unknown format", { logs: [{ path: "/a", format: "combind" }] }, "logs[0].format:"],
    [
      "bad backfill",
      { logs: [{ path: "/a", backfill: "yes" }] },
      "logs[0].backfill: must be true or false",
    ],
    [
      "hook not a string",
      { hooks: { onMasterAddressChange: ["a"] } },
      "hooks.onMasterAddressChange: must be a non-empty string",
    ],
    [
      "retry bounds",
      { retry: { initialDelayMs: 5000, maxDelayMs: 10 } },
      "retry.maxDelayMs: must be at least initialDelayMs (5000)",
    ],
  ])("%s", (_, change, message) => {
    const r = parse({ ...valid, ...change });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain(message);
  });

  it("lists every bad key at once", () => {
    const r = parse({ workerUrl: "x", site: "A", logs: [{}], retry: { attempts: 0 } });
    expect(r.ok ? [] : r.errors.map((e) => e.split(":")[0])).toEqual([
      "workerUrl",
      "site",
      "logs[0]",
      "retry.attempts",
    ]);
  });

  it("says what each command still needs", () => {
    const r = parse({ workerUrl: "https://w.example", site: "blog" });
    if (!r.ok) throw new Error(r.errors.join());
    expect(missingFor(r.config, "run")).toEqual(["logs: no log file configured"]);
    expect(missingFor(r.config, "heartbeat")).toEqual([
      "node: missing (name, role and token of this box)",
    ]);
    const logs = parse({ workerUrl: "https://w.example", site: "blog", logs: [{ path: "/l" }] });
    if (!logs.ok) throw new Error(logs.errors.join());
    expect(missingFor(logs.config, "run")).toEqual([
      "token: missing (set it in the file or in VIGIE_TOKEN)",
    ]);
    // `run` sends the heartbeat too when `node` is there; a standby with no logs only that.
    const node = { name: "plug", role: "standby" };
    const standby = parse({ workerUrl: "https://w.example", site: "blog", node });
    if (!standby.ok) throw new Error(standby.errors.join());
    expect(missingFor(standby.config, "run")).toEqual([
      "node.token: missing (set it in the file or in VIGIE_NODE_TOKEN)",
    ]);
    expect(missingFor(standby.config, "status")).toEqual(["logs: no log file configured"]);
  });

  it("a bad config file: one clear message per bad key on stderr, exit 3, nothing touched", async () => {
    const dir = tempDir("config");
    const path = join(dir, "agent.json");
    writeFileSync(
      path,
      JSON.stringify({
        workerUrl: "http://127.0.0.1:9",
        site: "blog",
        token: "t",
        logs: [{ path: "/x", format: "%" }],
        chunkBytes: -1,
        colour: true,
      }),
    );
    const deps = testDeps({ fetch: () => Promise.reject(new Error("no network in this test")) });
    expect(await runAgent({ command: "run", configPath: path }, deps)).toBe(EXIT.config);
    const text = deps.err.join("");
    expect(text).toContain(`bad config file ${path}:`);
    expect(text).toMatch(/colour: unknown key/);
    expect(text).toMatch(/logs\[0\]\.format: /);
    expect(text).toMatch(/chunkBytes: must be an integer/);
    expect(deps.out).toEqual([]);

    writeFileSync(path, "{ not json");
    expect(await runAgent({ command: "status", configPath: path }, deps)).toBe(EXIT.config);
    expect(deps.err.at(-1)).toMatch(/not valid JSON/);
    expect(await runAgent({ command: "run", configPath: join(dir, "absent.json") }, deps)).toBe(
      EXIT.config,
    );
    expect(deps.err.at(-1)).toContain("cannot read the config file");
  });
});
