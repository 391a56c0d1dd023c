// The commands without a worker: `run --dry-run` and `status` touch nothing and need no network;
// the bundled CLI maps flags and exit codes (usage 2, config 3).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "../../edge-agent/agent";
import { buildAgent } from "../../edge-agent/build";
import { formatBytes } from "../../edge-agent/context";
import { nodeDeps } from "../../edge-agent/deps";
import { EXIT } from "../../edge-agent/exit-codes";
import { testDeps } from "./deps";
import { removeTempDirs, tempDir } from "./temp";
import { append, compress, lines } from "./logs";

afterAll(removeTempDirs);

const noNetwork = () => Promise.reject(new Error("this command must not use the network"));

function setup() {
  const dir = tempDir("commands");
  const live = join(dir, "access.log");
  append(live, 0, 3000);
  append(`${live}.1`, 3000, 4000);
  compress(`${live}.1`);
  const config = join(dir, "agent.json");
  writeFileSync(
    config,
    JSON.stringify({
      workerUrl: "http://127.0.0.1:9",
      site: "blog",
      token: "vga_x",
      logs: [{ path: live }],
      chunkBytes: 200_000,
      stateFile: join(dir, "state.json"),
    }),
  );
  return { dir, live, config };
}

describe("commands that touch nothing", () => {
  it("run --dry-run: reads and cuts, prints each chunk it would send; no network, no state, no lock", async () => {
    const s = setup();
    const deps = testDeps({ fetch: noNetwork });
    expect(await runAgent({ command: "run", configPath: s.config, dryRun: true }, deps)).toBe(
      EXIT.ok,
    );
    const out = deps.out.join("");
    expect(out).toContain(
      `${s.live}.1.gz: left alone, rotated before the agent's first run (set backfill to ship it)`,
    );
    expect(out.match(/^would send /gm)).toHaveLength(Math.ceil(lines(0, 3000).length / 200_000));
    expect(out).toMatch(
      new RegExp(`would send ${s.live} \\[0, \\d+\\): 19\\d\\.\\d KiB, gzip \\d+\\.\\d KiB`),
    );
    expect(out).toContain("dry run: nothing sent");
    expect(existsSync(join(s.dir, "state.json"))).toBe(false);
    expect(existsSync(join(s.dir, "state.json.lock"))).toBe(false);
  });

  it("--verbose on a long backlog: a progress line at most every two seconds", async () => {
    const s = setup();
    let clock = 0;
    const deps = testDeps({ fetch: noNetwork, now: () => (clock += 700) });
    expect(
      await runAgent({ command: "run", configPath: s.config, dryRun: true, verbose: true }, deps),
    ).toBe(EXIT.ok);
    const progress = deps.out
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("  "));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThan(Math.ceil(lines(0, 3000).length / 200_000));
    expect(progress[0]).toMatch(
      new RegExp(
        `^  ${s.live}: \\d+\\.\\d KiB of ${formatBytes(lines(0, 3000).length).replace(".", "\\.")} \\(\\d+%\\), \\d+\\.\\d+ KiB/s$`,
      ),
    );
  });

  it("status: pending bytes per file, as a table or as JSON", async () => {
    const s = setup();
    const deps = testDeps({ fetch: noNetwork });
    expect(await runAgent({ command: "status", configPath: s.config }, deps)).toBe(EXIT.ok);
    const [head, live, rotated, total] = deps.out.join("").trimEnd().split("\n");
    expect(head).toMatch(/^FILE +SOURCE +SIZE +SHIPPED +PENDING$/);
    const size = formatBytes(lines(0, 3000).length);
    expect(live).toMatch(new RegExp(`^${s.live} +fl1-[0-9a-f]{8} +${size} +0 B +${size} +new$`));
    expect(rotated).toMatch(/access\.log\.1\.gz .* 0 B +rotated before the agent's first run/);
    expect(total).toBe(`pending: ${size} (site blog, state ${join(s.dir, "state.json")})`);

    const j = testDeps({ fetch: noNetwork });
    expect(await runAgent({ command: "status", configPath: s.config, json: true }, j)).toBe(
      EXIT.ok,
    );
    const report = JSON.parse(j.out.join(""));
    expect(report.pending).toBe(lines(0, 3000).length);
    expect(report.files[1]).toMatchObject({ gz: true, size: lines(3000, 4000).length, pending: 0 });
    expect(existsSync(join(s.dir, "state.json"))).toBe(false);
  });
});

describe("the agent's own files", () => {
  it("a state or lock file that cannot be written: exit 3 saying which, nothing sent", async () => {
    const s = setup();
    const notADir = join(s.dir, "access.log");
    const config = JSON.parse(readFileSync(s.config, "utf8"));
    writeFileSync(s.config, JSON.stringify({ ...config, lockFile: join(notADir, "agent.lock") }));
    const locked = testDeps({ fetch: noNetwork });
    expect(await runAgent({ command: "run", configPath: s.config }, locked)).toBe(EXIT.config);
    expect(locked.err.join("")).toBe(
      `vigie-agent: cannot take the lock ${join(notADir, "agent.lock")}: a file is in the way\n`,
    );

    writeFileSync(
      s.config,
      JSON.stringify({
        ...config,
        stateFile: join(notADir, "state.json"),
        lockFile: join(s.dir, "agent.lock"),
      }),
    );
    const stateless = testDeps({ fetch: noNetwork });
    expect(await runAgent({ command: "run", configPath: s.config }, stateless)).toBe(EXIT.config);
    expect(stateless.err.join("")).toBe(
      `vigie-agent: cannot read the state file ${join(notADir, "state.json")}: a part of the path is not a directory\n`,
    );
    expect(existsSync(join(s.dir, "agent.lock"))).toBe(false);

    writeFileSync(s.config, JSON.stringify({ ...config, lockFile: join(s.dir, "agent.lock") }));
    const fs = nodeDeps().fs;
    const full = testDeps({
      fetch: noNetwork,
      fs: {
        ...fs,
        rename: () =>
          Promise.reject(Object.assign(new Error("ENOSPC"), { code: "ENOSPC", syscall: "rename" })),
      },
    });
    expect(await runAgent({ command: "run", configPath: s.config }, full)).toBe(EXIT.config);
    expect(full.err.join("")).toBe(
      `vigie-agent: cannot write the state file ${join(s.dir, "state.json")}: no space left on the device\n`,
    );
    expect(existsSync(join(s.dir, "agent.lock"))).toBe(false);
  });
});

describe("exit codes", () => {
  it("are exactly those of docs/agent.md's table, one row each; a refused heartbeat has its meaning there", () => {
    const doc = readFileSync(new URL("../../docs/agent.md", import.meta.url), "utf8");
    const table = doc.slice(doc.indexOf("## Exit codes"), doc.indexOf("## How it reads"));
    const rows = [...table.matchAll(/^\| (\d+) +\| (.+?) +\| .* \|$/gm)].map((m) => ({
      code: Number(m[1]),
      meaning: m[2],
    }));
    expect(rows.map((r) => r.code)).toEqual(Object.values(EXIT));
    expect(rows[EXIT.refused].meaning).toMatch(
      /or a heartbeat \(422: it came from a private or CGNAT address/,
    );
    expect(rows[EXIT.usage].meaning).toMatch(/no command/);
  });
});

describe("the bundled CLI", () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = join(tempDir("cli"), "vigie-agent.mjs");
    await buildAgent(bundle);
  });
  // Output to pipes, as under cron; no NO_COLOR: colours must go because it is not a terminal.
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bundle, ...args], {
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });

  it.each<[string[], number, RegExp]>([
    [
      ["--help"],
      EXIT.ok,
      /^Vigie's edge agent.*\n\nUSAGE vigie-agent run\|heartbeat\|status\|cron\|systemd\n/,
    ],
    [["run", "--help"], EXIT.ok, /USAGE vigie-agent run \[OPTIONS\]/],
    [[], EXIT.usage, /USAGE vigie-agent .*\n\nvigie-agent: no command given\n$/s],
    [
      ["systemd", "socket"],
      EXIT.usage,
      /vigie-agent: systemd: "service" or "timer", not "socket"\n$/,
    ],
    [["systemd"], EXIT.usage, /Missing required positional argument: UNIT/],
    [["run", "--dryrun"], EXIT.usage, /vigie-agent: unknown option --dryrun/],
    [["frobnicate"], EXIT.usage, /Unknown command frobnicate/],
    [
      ["status", "--config", "/nonexistent/agent.json"],
      EXIT.config,
      /cannot read the config file \/nonexistent\/agent.json: no such file/,
    ],
  ])("%j exits %i", (args, code, text) => {
    const r = cli(...args);
    expect(r.status, r.stdout + r.stderr).toBe(code);
    expect(r.stdout + r.stderr).toMatch(text);
    expect(r.stdout + r.stderr).not.toContain("\u001b[");
  });

  it("cron and systemd print the lines that run this very file with this very node (absolute paths: cron's PATH may not hold it)", () => {
    const cron = cli("cron", "-c", "agent.json", "--user", "www-data");
    expect(cron.status, cron.stderr).toBe(EXIT.ok);
    const line = `${process.execPath} ${bundle} run -c ${join(process.cwd(), "agent.json")}`;
    expect(cron.stdout).toMatch(
      new RegExp(
        `^# /etc/cron\\.d/vigie, written by \`vigie-agent cron\` \\(node ${process.version.replaceAll(".", "\\.")}\\)\\.\n`,
      ),
    );
    expect(cron.stdout.trimEnd().split("\n").at(-1)).toBe(`* * * * *  www-data  ${line}`);
    const service = cli("systemd", "service");
    expect(service.stdout).toContain(
      `\nUser=vigie\nExecStart=${process.execPath} ${bundle} run -c /etc/vigie/agent.json\n`,
    );
    const timer = cli("systemd", "timer");
    expect(timer.stdout).toContain("\n[Timer]\nOnBootSec=1min\nOnUnitInactiveSec=1min\n");
  });

  it("status through the bundle, from a config file given with -c", () => {
    const s = setup();
    const r = cli("status", "-c", s.config);
    expect(r.status).toBe(EXIT.ok);
    expect(r.stdout).toContain(`\npending: ${formatBytes(lines(0, 3000).length)} (site blog`);
  });
});
