/**
 * The report pages in real headless Chromium (Debian's, driven by playwright-core) against a real
 * local worker: `wrangler dev` on a loopback port with its own D1 folder, a site made by the site
 * CLI, the fixture logs uploaded through /api/v1/ingest as the agent sends them.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalWorker } from "../../scripts/local-worker";
import { addSite, quietEnv, root, startLocalWorker } from "../../scripts/local-worker";
import { HOSTILE_LINES, SITE_CONFIG } from "../worker/reports-hostile";

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
const artifacts = join(root, "test-artifacts");
const fixture = (name: string) => readFileSync(join(root, "test", "fixtures", name), "utf8");

let dir: string;
let worker: LocalWorker;
let browser: Browser;
let site: { site: string; agentToken: string; readToken: string };
const nodes: Record<string, string> = {};

/** The site CLI (scripts/site.ts) on the test's database: nodes and the watchdog. */
function siteCli(args: string[]): string {
  const r = spawnSync(
    process.execPath,
    [join(root, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/site.ts", ...args],
    { cwd: root, env: quietEnv, encoding: "utf8" },
  );
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split("\n").pop()!;
}

async function post(
  path: string,
  token: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${worker.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...headers },
    body,
  });
}

/** Uploads `text` as the agent does: gzip of whole lines, its byte range and sha-256, inside a run. */
async function upload(source: string, text: string, run: number): Promise<void> {
  const bytes = Buffer.from(text);
  const body = gzipSync(bytes);
  const q = new URLSearchParams({
    site: site.site,
    source,
    start: "0",
    end: String(bytes.length),
    run: String(run),
  });
  const res = await post(`/api/v1/ingest?${q}`, site.agentToken, body, {
    "content-type": "application/gzip",
    "x-content-sha256": createHash("sha256").update(body).digest("hex"),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function openRun(): Promise<number> {
  const res = await post(`/api/v1/runs?site=${site.site}`, site.agentToken);
  return ((await res.json()) as { runId: number }).runId;
}

beforeAll(async () => {
  if (!existsSync(join(root, "worker", "generated", "geo.bin"))) {
    expect(
      spawnSync(process.execPath, [join(root, "scripts", "build-geo.mjs")], { cwd: root }).status,
    ).toBe(0);
  }
  mkdirSync(artifacts, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "vigie-browser-"));
  const config = join(dir, "site.json");
  writeFileSync(config, JSON.stringify(SITE_CONFIG));
  // The site CLI applies the migrations (wrangler d1 migrations apply --local --persist-to) first.
  site = addSite("demo", dir, ["--config", config]);
  // A watched site with both nodes (the watchdog page's tables, the reports' badge).
  for (const [node, role] of [
    ["home", "master"],
    ["backup", "standby"],
  ]) {
    const out = siteCli(["node", "demo", node, "--role", role, "--persist-to", dir]);
    nodes[node] = JSON.parse(out).nodeToken;
  }
  siteCli([
    "watch",
    "demo",
    "--provider",
    "cloudflare",
    "--zone",
    "023e105f4ecef8ad9ca31a8372d0c353",
    "--record",
    "www.example.org",
    "--persist-to",
    dir,
  ]);
  [worker, browser] = await Promise.all([
    startLocalWorker({ persistTo: dir }),
    chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS }),
  ]);
  const semicomplete = fixture("semicomplete-2015-05.combined.log");
  const cut = semicomplete.indexOf("\n", Math.floor(semicomplete.length * 0.6)) + 1;
  const run1 = await openRun();
  await upload("semicomplete-a", semicomplete.slice(0, cut), run1);
  await upload("basjes", fixture("basjes-2015-10-hackers.combined.log"), run1);
  const run2 = await openRun();
  await upload("semicomplete-b", semicomplete.slice(cut), run2);
  await upload("hostile", HOSTILE_LINES, run2);
  for (const [node, address] of [
    ["home", "81.2.69.160"],
    ["backup", "2a02:390:ffff:ffff:ffff:ffff:ffff:ffff"],
  ]) {
    const res = await post("/api/v1/heartbeat", nodes[node], undefined, {
      "cf-connecting-ip": address,
      "content-type": "application/json",
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A page that fails the test on any dialog, page error or CSP violation, and records console errors. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

async function loggedIn(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([
    {
      name: `vigie_read_${site.site}`,
      value: site.readToken,
      url: worker.url,
      httpOnly: true,
      sameSite: "Strict",
    },
  ]);
  return context;
}

describe("report pages in Chromium", () => {
  it("a private site shows the login form; a wrong token is refused, the read token lets in (HttpOnly cookie)", async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    const first = await page.goto(`${worker.url}/sites/demo/2015-05`);
    expect(first!.status()).toBe(401);
    await page.fill("input[name=token]", "vgr_not-the-token");
    const [wrong] = await Promise.all([
      page.waitForNavigation(),
      page.click("form.login button[type=submit]"),
    ]);
    expect(wrong!.status()).toBe(401);
    expect(await page.textContent(".error")).toContain("not this site's read token");
    await page.fill("input[name=token]", site.agentToken);
    const [agent] = await Promise.all([
      page.waitForNavigation(),
      page.click("form.login button[type=submit]"),
    ]);
    expect(agent!.status()).toBe(401);
    await page.fill("input[name=token]", site.readToken);
    await Promise.all([
      page.waitForURL(`${worker.url}/sites/demo/2015-05`),
      page.click("form.login button[type=submit]"),
    ]);
    expect(await page.textContent("h1")).toContain("May 2015");
    const cookie = (await context.cookies()).find((c) => c.name === "vigie_read_demo")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", secure: false, path: "/" });
    expect(await page.evaluate("document.cookie")).toBe("");
    await Promise.all([page.waitForURL(`${worker.url}/sites/demo/`), page.click("text=Log out")]);
    expect((await page.goto(`${worker.url}/sites/demo/`))!.status()).toBe(401);
    expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
    await context.close();
  });

  it("the index renders its year with months, chart and totals", async () => {
    const context = await loggedIn();
    const { page, problems } = await watchedPage(context);
    const res = await page.goto(`${worker.url}/sites/demo/`);
    expect(res!.status()).toBe(200);
    expect(res!.headers()["content-security-policy"]).toContain("default-src 'self'");
    expect(await page.locator("section#y2015 tbody tr").count()).toBe(2);
    expect(await page.locator("section#y2015 svg.chart rect.visits").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, "index.png"), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the month page renders every block, and a table sorts on a click", async () => {
    const context = await loggedIn();
    const { page, problems } = await watchedPage(context);
    const res = await page.goto(`${worker.url}/sites/demo/2015-05`);
    expect(res!.status()).toBe(200);
    for (const id of [
      "year",
      "days",
      "hours",
      "pages",
      "entry",
      "referers",
      "keywords",
      "downloads",
      "browsers",
      "os",
      "countries",
      "feeds",
      "robots",
      "image-search",
      "status",
      "not-found",
      "watched",
      "analysis",
    ]) {
      expect(await page.locator(`main #${id}.card`).count(), id).toBe(1);
    }
    // 21–31 May, one row: the log stops on the 20th.
    expect(await page.locator("#days-table tbody tr.gap").count()).toBe(1);
    expect(await page.textContent("#days-table tbody tr.gap")).toMatch(
      /^no data, 21\s?–\s?31 May$/,
    );
    expect(await page.locator("#keywords tr.changed").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, "month.png"), fullPage: true });

    const visits = () =>
      page.$$eval("#days-table tbody tr:not(.gap) td:nth-child(3)", (tds) =>
        tds.map((td) => Number(td.getAttribute("data-v"))),
      );
    const before = await visits();
    await page.click("#days-table thead th:nth-child(3) button");
    const down = await visits();
    expect(down).toEqual([...before].sort((a, b) => b - a));
    expect(await page.getAttribute("#days-table thead th:nth-child(3)", "aria-sort")).toBe(
      "descending",
    );
    await page.click("#days-table thead th:nth-child(3) button");
    expect(await visits()).toEqual([...before].sort((a, b) => a - b));
    const firstRow = await page.$$eval("#days-table tbody tr", (trs) =>
      trs.map((tr) => tr.className),
    );
    expect(firstRow[firstRow.length - 1]).toBe("gap"); // gaps stay last whatever the order

    await page.click("section#pages thead th:nth-child(1) button");
    const keys = await page.$$eval("section#pages tbody td.k", (tds) =>
      tds.map((td) => td.getAttribute("data-v")!),
    );
    expect(keys).toEqual(
      [...keys].sort((a, b) =>
        a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
      ),
    );

    // Robots by bandwidth: a click on the robots' bandwidth column, then the page of all of them.
    const bytes = () =>
      page.$$eval("section#robots tbody td:nth-child(4)", (tds) =>
        tds.map((td) => Number(td.getAttribute("data-v"))),
      );
    await page.click("section#robots thead th:nth-child(4) button");
    const sorted = await bytes();
    expect(sorted.length).toBe(10);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    await Promise.all([
      page.waitForURL(/robots\?sort=bytes$/),
      page.click("text=All robots by bandwidth"),
    ]);
    const all = await page.$$eval("tbody td:nth-child(5)", (tds) =>
      tds.map((td) => Number(td.getAttribute("data-v"))),
    );
    expect(all.length).toBeGreaterThan(10);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the year page pages through its top pages and marks those viewed mostly for their images", async () => {
    const context = await loggedIn();
    const { page, problems } = await watchedPage(context);
    expect((await page.goto(`${worker.url}/sites/demo/2015`))!.status()).toBe(200);
    expect(await page.locator("section#top-pages tbody tr").count()).toBe(25);
    // The hostile lines' gallery page (2 of its 3 views from Google Images) is far down the list.
    const cats = page.locator("section#top-pages td.k", { hasText: "/gallery/<b>cats</b>.html" });
    let pages = 1;
    while ((await cats.count()) === 0) {
      await page.click("section#top-pages a[rel=next]");
      pages++;
      expect(pages).toBeLessThan(200);
    }
    expect(new URL(page.url()).searchParams.get("page")).toBe(String(pages));
    expect(await cats.locator(".badge").textContent()).toBe("images");
    expect(await cats.locator(".badge").getAttribute("title")).toBe(
      "2 of 3 views came from an image search",
    );
    expect(await cats.locator("b").count()).toBe(0);
    await page
      .locator("section#top-pages")
      .screenshot({ path: join(artifacts, "year-top-pages.png") });
    // Bars keep the year's scale on every page: the top page's bar is the only full one.
    const widths = await page.$$eval("section#top-pages tbody rect", (rs) =>
      rs.map((r) => Number(r.getAttribute("width"))),
    );
    expect(Math.max(...widths)).toBeLessThan(10);
    const rank = await page.$$eval("section#top-pages tbody td:first-child", (tds) =>
      tds.map((td) => Number(td.textContent)),
    );
    expect(rank[0]).toBe((pages - 1) * 25 + 1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("markup from the logs shows as text and runs nothing", async () => {
    const context = await loggedIn();
    const { page, problems } = await watchedPage(context);
    for (const path of [
      "/sites/demo/2015-05",
      "/sites/demo/2015-05/pages",
      "/sites/demo/2015-05/referers",
      "/sites/demo/2015-05/keywords",
      "/sites/demo/2015-05/feeds",
      "/sites/demo/2015",
    ]) {
      await page.goto(`${worker.url}${path}`);
      await page.$$eval("details", (ds) => {
        for (const d of ds) d.setAttribute("open", "");
      });
      await page.waitForTimeout(50);
      expect(await page.locator("img").count(), path).toBe(0);
      expect(
        await page.$$eval("script", (ss) => ss.map((s) => s.getAttribute("src") ?? "inline")),
        path,
      ).toEqual([expect.stringMatching(/^\/assets\/sort\.js\?v=/)]);
      expect(await page.locator('a[href^="javascript:" i]').count(), path).toBe(0);
      expect(
        await page.$$eval(
          "*",
          (els) => els.filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
        ),
        path,
      ).toBe(0);
    }
    await page.goto(`${worker.url}/sites/demo/2015-05`);
    const text = await page.textContent("body");
    expect(text).toContain('/<script>alert(1)</script>\\"><img src=x onerror=alert(2)>');
    expect(text).toContain('<script>alert(8)</script>\\"><img src=x onerror=alert(9)>');
    await page.goto(`${worker.url}/sites/demo/2015-05/referers`);
    const evil = page.locator("td.k a", { hasText: "evil.example" });
    expect(await evil.getAttribute("rel")).toBe("noopener noreferrer nofollow");
    expect(await evil.getAttribute("href")).toMatch(/^http:\/\/evil\.example\//);
    const js = page.locator("td.k", { hasText: "javascript:alert(6)//" });
    expect(await js.count()).toBe(1);
    expect(await js.locator("a").count()).toBe(0);
    await page.goto(`${worker.url}/sites/demo/2015-05/keywords`);
    expect(await page.locator("td.k", { hasText: "<script>alert(7)</script>" }).count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
  it("the language switch: a link, no script; the choice holds from page to page", async () => {
    const context = await loggedIn();
    const { page, problems } = await watchedPage(context);
    await page.goto(`${worker.url}/sites/demo/2015-05`);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await Promise.all([
      page.waitForURL(`${worker.url}/sites/demo/2015-05`),
      page.click(".lang a[hreflang=fr]"),
    ]);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.textContent("h1 small")).toBe("mai 2015");
    expect(await page.textContent("#days-table tbody tr.gap")).toMatch(
      /^aucune donnée, 21\s?–\s?31 mai$/,
    );
    const cookie = (await context.cookies()).find((c) => c.name === "vigie_lang")!;
    expect(cookie).toMatchObject({ value: "fr", sameSite: "Lax", httpOnly: true });
    await page.click("a.wd");
    expect(page.url()).toBe(`${worker.url}/sites/demo/watchdog`);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.textContent("h1 small")).toBe("veille");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("no page is wider than the screen, on a phone (390 px) or a laptop (1366 px), in either language", async () => {
    const pages = {
      index: "/sites/demo/",
      year: "/sites/demo/2015",
      month: "/sites/demo/2015-05",
      panel: "/sites/demo/2015-05/referers",
      watchdog: "/sites/demo/watchdog",
      glossary: "/sites/demo/glossary",
      login: "/sites/demo/2015-05",
    };
    const heights: string[] = [];
    for (const lang of ["en", "fr"]) {
      const reader = await loggedIn();
      const stranger = await browser.newContext();
      for (const c of [reader, stranger]) await c.setExtraHTTPHeaders({ "accept-language": lang });
      const { page, problems } = await watchedPage(reader);
      const { page: login } = await watchedPage(stranger);
      for (const width of [390, 1366]) {
        for (const p of [page, login]) await p.setViewportSize({ width, height: 900 });
        for (const [name, path] of Object.entries(pages)) {
          const p = name === "login" ? login : page;
          const res = await p.goto(`${worker.url}${path}`);
          expect(res!.status(), name).toBe(name === "login" ? 401 : 200);
          const [scrollWidth, innerWidth, height] = (await p.evaluate(
            "[document.documentElement.scrollWidth, innerWidth, document.documentElement.scrollHeight]",
          )) as number[];
          expect(scrollWidth, `${name} ${lang} ${width}px`).toBeLessThanOrEqual(innerWidth);
          if (name === "month" || name === "watchdog")
            heights.push(`${name} ${lang} ${width}px: ${height} px`);
          if (lang === "fr" && width === 390 && name === "watchdog")
            await p.screenshot({ path: join(artifacts, "watchdog-fr-390.png"), fullPage: true });
        }
      }
      expect(problems).toEqual([]);
      await reader.close();
      await stranger.close();
    }
    console.log(`page heights (not asserted): ${heights.join("; ")}`);
  });
});
