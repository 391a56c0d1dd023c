/**
 * What a newcomer does, on a fresh clone: `npm start`, open the printed URL and log in with the
 * printed token; look at the demo's watchdog; `npm run site -- add` and `npm run try` while it
 * runs; the README's offline commands. Then what daily use asks of it: a second start on the same
 * port refused, SIGTERM and SIGKILL leaving nothing behind, a restart that skips what is up to
 * date, an exit when its worker dies. The real scripts, agent, worker (local D1) and Chromium.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { fetchAgain } from "../../scripts/local-worker";
import { freshCheckout } from "./checkout";
import { processesIn, settle } from "./leftovers";
import { type Group, startGroup } from "./process-group";
import { readmeBlocks } from "./readme";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

describe("npm start on a fresh clone", () => {
  const checkout = freshCheckout("start");
  const dir = checkout.dir;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    WRANGLER_LOG_PATH: join(dir, ".wrangler-logs"),
  };
  delete env.VIGIE_STATE;
  const groups: Group[] = [];
  let url = "";
  let token = "";
  /** The demo watchdog's events when the first npm start stopped (the README's tick may add one). */
  let eventsAtStop = -1;
  afterAll(async () => {
    await Promise.all(groups.map((g) => g.stop()));
    const left = await settle(dir);
    for (const p of left) process.kill(p.pid, "SIGKILL");
    checkout.remove();
    expect(left).toEqual([]);
  });

  const npmStart = (extra: NodeJS.ProcessEnv = {}) => {
    const g = startGroup("npm", ["start", "--silent"], { cwd: dir, env: { ...env, ...extra } });
    groups.push(g);
    return g;
  };
  /** Waits for the contract's last two lines; returns the seconds it took and the output. */
  const upAndRunning = async (g: Group) => {
    const t = performance.now();
    await g.waitFor(/read token: \S+\n/, 240_000);
    const out = g.output();
    const lines = out.trim().split("\n");
    url = /^Vigie is running: (\S+)$/.exec(lines.at(-2)!)?.[1] ?? "";
    token = /^read token: (\S+)$/.exec(lines.at(-1)!)?.[1] ?? "";
    return { seconds: (performance.now() - t) / 1000, out };
  };
  const running = () =>
    JSON.parse(readFileSync(join(dir, ".vigie", "running.json"), "utf8")) as { pid: number };
  const run = (cmd: string, args: string[]) =>
    spawnSync(cmd, args, { cwd: dir, env, encoding: "utf8" });
  const json = async (path: string, bearer = token): Promise<any> => {
    const res = await fetchAgain(`${origin()}${path}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(res.status, path).toBe(200);
    return res.json();
  };
  const origin = () => new URL(url).origin;

  it("first start: builds everything, tells each long step, ends with the URL and the token", async () => {
    const { seconds, out } = await upAndRunning(npmStart());
    console.log(`npm start, first start on a fresh clone: ${seconds.toFixed(1)} s`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sites\/demo\/$/);
    expect(token).toMatch(/^vgr_/);
    // Nothing built beforehand: wrangler dev's own [build] makes the country table (wrangler.toml).
    expect(out).toMatch(
      /vigie: starting the worker .*; first, wrangler's build makes the country table/,
    );
    expect(out).toMatch(/vigie: applying D1 migrations and creating the demo site/);
    expect(existsSync(join(dir, "worker", "generated", "geo.bin"))).toBe(true);
  }, 250_000);

  it("serves the demo's real figures behind the login form", async () => {
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      expect((await page.goto(`${url}2015-05`))!.status()).toBe(401);
      await page.fill("input[name=token]", token);
      await Promise.all([page.waitForURL(`${url}2015-05`), page.click("button[type=submit]")]);
      // The month's hits, as the analysis of the semicomplete log counts them: 10,000.
      expect(await page.textContent("body")).toMatch(/10,000/);
      expect(await page.textContent("h1")).toContain("May 2015");
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("the demo's watchdog is back on its master after a failover and a failback", async () => {
    const st = await json("/api/v1/sites/demo/watchdog");
    expect(st).toMatchObject({ state: "MASTER_ACTIVE", epoch: 3, active: "home" });
    expect(st.record).toMatchObject({ name: "www.example.org", content: "81.2.69.160" });
    expect(st.events.map((e: { from: string; to: string }) => `${e.from}→${e.to}`)).toEqual([
      "MASTER_ACTIVE→MASTER_SUSPECT",
      "MASTER_SUSPECT→FAILING_OVER",
      "FAILING_OVER→STANDBY_ACTIVE",
      "STANDBY_ACTIVE→MASTER_RECOVERING",
      "MASTER_RECOVERING→FAILING_BACK",
      "FAILING_BACK→MASTER_ACTIVE",
    ]);
    expect(st.nodes.map((n: { address: string }) => n.address)).toEqual([
      "81.2.69.160",
      "81.2.69.161",
    ]);
    const page = await fetchAgain(`${origin()}/sites/demo/watchdog`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const s of ["MASTER_ACTIVE", "FAILING_OVER", "FAILING_BACK", "backup"])
      expect(html).toContain(s);
  });

  it("`npm run try -- FILE` ships any log to it and prints its report URL and read token", async () => {
    const log = join(dir, "logs", "access.log");
    run("mkdir", ["-p", join(dir, "logs")]);
    writeFileSync(
      log,
      readFileSync(join(dir, "test/fixtures/basjes-2015-10-hackers.combined.log")),
    );
    const first = run("npm", ["run", "--silent", "try", "--", log]);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    const report = /^report: (\S+)$/m.exec(first.stdout)?.[1];
    const read = /^read token: (\S+)$/m.exec(first.stdout)?.[1];
    expect(report).toBe(`${origin()}/sites/logs-access/`);
    const years = await json("/api/v1/sites/logs-access/years", read);
    expect(years.years[0].months).toMatchObject([{ month: "2015-10", hits: 3456, rejected: 0 }]);
    // Again: the same site and token, nothing sent twice.
    const again = run("npm", ["run", "--silent", "try", "--", log]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`read token: ${read}`);
    expect(again.stdout).not.toContain("creating the site");
    expect(await json("/api/v1/sites/logs-access/years", read)).toEqual(years);
    // Not a log: a clear refusal, no site.
    writeFileSync(join(dir, "logs", "notes.txt"), "hello\nworld\n");
    const bad = run("npm", ["run", "--silent", "try", "--", join(dir, "logs", "notes.txt")]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/none of combined, vhost_combined, common reads the first lines/);
  }, 90_000);

  it("the README's offline commands run as written", async () => {
    const blocks = readmeBlocks(readFileSync(join(dir, "README.md"), "utf8"));
    expect(blocks.length).toBeGreaterThan(0);
    let blogToken = "";
    for (const b of blocks) {
      const script = b.substitute(b.code).replaceAll("http://127.0.0.1:8787", origin());
      const r = run("bash", ["-euo", "pipefail", "-c", script]);
      expect(r.status, `README line ${b.line}:\n${script}\n${r.stdout}\n${r.stderr}`).toBe(0);
      blogToken ||= /"site":"blog".*"readToken":"([^"]+)"/.exec(r.stdout)?.[1] ?? "";
    }
    // `npm run site -- add blog`, with no flag, acted on the running worker's database: its read
    // token opens the site there (an unknown site answers 401 like a wrong token).
    expect(blogToken).not.toBe("");
    const blog = await fetchAgain(`${origin()}/sites/blog/`, {
      headers: { authorization: `Bearer ${blogToken}` },
    });
    expect(blog.status).toBe(200);
  }, 120_000);

  it("a second npm start on the same port says so and fails; the first keeps serving", async () => {
    const second = npmStart({ PORT: new URL(url).port });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/port \d+ is already in use/);
    expect(second.output()).not.toContain("Vigie is running");
    expect((await fetchAgain(`${origin()}/healthz`)).status).toBe(200);
  }, 60_000);

  it("SIGTERM to npm start's node stops it and its worker", async () => {
    const { pid } = running();
    const before = origin();
    eventsAtStop = (await json("/api/v1/sites/demo/watchdog")).events.length;
    expect(eventsAtStop).toBeGreaterThanOrEqual(6);
    process.kill(pid, "SIGTERM");
    expect(await groups[0].exited).toBe(0);
    expect(await settle(dir)).toEqual([]);
    await expect(fetch(`${before}/healthz`)).rejects.toThrow();
  }, 30_000);

  it("a restart skips what is up to date; SIGKILL of its node leaves no orphan", async () => {
    const g = npmStart();
    const { seconds, out } = await upAndRunning(g);
    console.log(`npm start, restart: ${seconds.toFixed(1)} s`);
    expect(out).not.toMatch(/country table|applying D1 migrations|bundling/);
    // The demo's history is played once: a restart adds no event.
    expect((await json("/api/v1/sites/demo/watchdog")).events).toHaveLength(eventsAtStop);
    const before = origin();
    process.kill(running().pid, "SIGKILL");
    const left = await settle(dir);
    expect(left).toEqual([]);
    await expect(fetch(`${before}/healthz`)).rejects.toThrow();
  }, 120_000);

  it("npm start stops with an error when its worker dies", async () => {
    const g = npmStart();
    await upAndRunning(g);
    // The worker's guard, not the one the test runs npm start under.
    const guard = processesIn(dir).find(
      (p) => p.cmd.includes("scripts/guard.mjs") && p.pid !== g.child.pid,
    );
    expect(guard).toBeDefined();
    process.kill(-guard!.pid, "SIGKILL");
    expect(await g.exited).toBe(1);
    expect(g.output()).toMatch(/vigie: the worker stopped/);
    expect(await settle(dir)).toEqual([]);
  }, 120_000);
});
