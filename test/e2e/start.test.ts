/**
 * What a newcomer does: `npm start`, then open the printed URL and log in with the printed token.
 * The real script, the real edge agent, the real worker on local D1, real headless Chromium.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/local-worker";

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

describe("npm start", () => {
  const state = mkdtempSync(join(tmpdir(), "vigie-start-"));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    rmSync(state, { recursive: true, force: true });
  });

  it("prints the report URL and token last, serves the real figures, and stops cleanly on Ctrl-C", async () => {
    child = spawn("npm", ["start", "--silent"], {
      cwd: root,
      env: { ...process.env, VIGIE_STATE: state, PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const deadline = Date.now() + 150_000;
    while (!/read token: \S+\n/.test(out)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`npm start did not come up:\n${out}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const lines = out.trim().split("\n");
    const url = /^Vigie is running: (\S+)$/.exec(lines[lines.length - 2])?.[1];
    const token = /^read token: (\S+)$/.exec(lines[lines.length - 1])?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sites\/demo\/$/);
    expect(token).toMatch(/^vgr_/);

    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      expect((await page.goto(`${url}2015-05`))!.status()).toBe(401);
      await page.fill("input[name=token]", token!);
      await Promise.all([page.waitForURL(`${url}2015-05`), page.click("button[type=submit]")]);
      // The month's hits, as the analysis of the semicomplete log counts them: 10,000.
      expect(await page.textContent("body")).toMatch(/10,000/);
      expect(await page.textContent("h1")).toContain("May 2015");
    } finally {
      await browser.close();
    }

    // Ctrl-C reaches the whole foreground process group, as a terminal sends it.
    const exited = new Promise<void>((r) => child!.once("exit", () => r()));
    process.kill(-child.pid!, "SIGINT");
    await exited;
    expect(out).toContain("vigie: stopping");
    await expect(fetch(`${url}`)).rejects.toThrow();
  }, 200_000);
});
