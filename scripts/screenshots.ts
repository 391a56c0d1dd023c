/**
 * `npm run screenshots`: the docs' pictures of the month, year and watchdog pages, in English and
 * French, on a phone (390 px) and a laptop (1366 px), from the demo's data on a local worker:
 * `wrangler dev` on loopback with its own D1 folder (scripts/local-worker.ts), the site made by the
 * site CLI with the demo's configuration, the fixture logs uploaded through /api/v1/ingest, and a
 * failover and a failback played on the watchdog against the fake DNS API (scripts/fake-dns.ts's).
 * Prints each page's height; `--measure` prints them without writing pictures. A picture stops at
 * 5,000 px (a phone's month page is twice that: the rest is more of the same cards).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { FakeApis } from "../test/fakes/dns-providers";
import { addSite, freePort, quietEnv, root, startLocalWorker } from "./local-worker";

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
const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const RECORD = "www.example.org";
const ADDRESSES = { home: "81.2.69.160", backup: "81.2.69.161" };
const measureOnly = process.argv.includes("--measure");
const MAX_HEIGHT = 5000;
const say = (s: string) => console.log(`screenshots: ${s}`);

function siteCli(args: string[]): string {
  const r = spawnSync(
    process.execPath,
    [join(root, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/site.ts", ...args],
    { cwd: root, env: quietEnv, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`site ${args[0]} failed:\n${r.stderr}`);
  return r.stdout.trim().split("\n").pop()!;
}

/** The fake Cloudflare API on loopback, with the record the watchdog steers. */
async function startFakeDns(): Promise<{ base: string; close: () => void }> {
  const fakes = new FakeApis();
  fakes.reset({
    cloudflare: {
      zones: {
        [ZONE]: {
          name: "example.org",
          records: [{ name: RECORD, type: "A", content: ADDRESSES.home }],
        },
      },
    },
  });
  const port = await freePort();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const answer = (await fakes.handle(request)) ?? new Response("not found", { status: 404 });
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function main() {
  if (!existsSync(join(root, "worker", "generated", "geo.bin")))
    spawnSync(process.execPath, [join(root, "scripts", "build-geo.mjs")], { cwd: root });
  const dir = mkdtempSync(join(tmpdir(), "vigie-screenshots-"));
  const config = join(dir, "demo-site.json");
  // The demo's configuration (scripts/start.ts).
  writeFileSync(
    config,
    JSON.stringify({
      siteHosts: ["semicomplete.com", "howto.basjes.nl"],
      watched: { addresses: [], userAgents: ["Tiny Tiny RSS"] },
    }),
  );
  say("creating the demo site, its nodes and its watchdog…");
  const site = addSite("demo", dir, ["--config", config]);
  const nodes: Record<string, string> = {};
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
    ZONE,
    "--record",
    RECORD,
    "--lease",
    "10",
    "--down",
    "2",
    "--persist-to",
    dir,
  ]);
  const dns = await startFakeDns();
  const worker = await startLocalWorker({
    persistTo: dir,
    testScheduled: true,
    vars: {
      DNS_API_BASE: `${dns.base}/client/v4`,
      DNS_TOKEN: "test-dns-token",
      NOTIFY_WEBHOOK_URL: `${dns.base}/hook`,
    },
  });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  try {
    const post = (path: string, token: string, init: RequestInit = {}) =>
      fetch(`${worker.url}${path}`, {
        ...init,
        method: "POST",
        headers: { authorization: `Bearer ${token}`, ...(init.headers as object) },
      });
    say("uploading the fixture logs…");
    const run = (
      (await (await post(`/api/v1/runs?site=demo`, site.agentToken)).json()) as {
        runId: number;
      }
    ).runId;
    for (const name of [
      "semicomplete-2015-05.combined.log",
      "basjes-2015-10-hackers.combined.log",
    ]) {
      const bytes = readFileSync(join(root, "test", "fixtures", name));
      const body = gzipSync(bytes);
      const q = new URLSearchParams({
        site: "demo",
        source: name,
        start: "0",
        end: String(bytes.length),
        run: String(run),
      });
      const res = await post(`/api/v1/ingest?${q}`, site.agentToken, {
        body,
        headers: {
          "content-type": "application/gzip",
          "x-content-sha256": createHash("sha256").update(body).digest("hex"),
        },
      });
      if (res.status !== 200) throw new Error(`ingest ${name}: ${res.status} ${await res.text()}`);
    }

    say("a failover and a failback (about 15 s)…");
    const beat = async (node: "home" | "backup") => {
      const res = await post("/api/v1/heartbeat", nodes[node], {
        headers: { "cf-connecting-ip": ADDRESSES[node] },
      });
      if (res.status !== 200) throw new Error(`heartbeat ${node}: ${res.status}`);
    };
    const tick = async () => {
      await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`);
    };
    await beat("home");
    await beat("backup");
    await tick();
    await new Promise((r) => setTimeout(r, 11_000)); // the master goes silent
    for (let i = 0; i < 3; i++) {
      await beat("backup");
      await tick();
    }
    await beat("home");
    await tick();
    await post("/api/v1/sites/demo/watchdog/failback", site.readToken);
    await tick();

    const out: string[] = [];
    for (const width of [1366, 390]) {
      for (const lang of ["en", "fr"]) {
        const context = await browser.newContext({
          viewport: { width, height: width > 800 ? 900 : 844 },
          locale: lang === "fr" ? "fr-FR" : "en-GB",
        });
        await context.addCookies([
          {
            name: "vigie_read_demo",
            value: site.readToken,
            url: worker.url,
            httpOnly: true,
            sameSite: "Strict",
          },
        ]);
        const page = await context.newPage();
        for (const [name, path] of [
          ["month", "/sites/demo/2015-05"],
          ["year", "/sites/demo/2015"],
          ["watchdog", "/sites/demo/watchdog"],
        ]) {
          if (name === "watchdog") {
            await beat("home");
            await beat("backup");
          }
          const res = await page.goto(`${worker.url}${path}`);
          if (res?.status() !== 200) throw new Error(`${path}: ${res?.status()}`);
          const size = (await page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]",
          )) as [number, number];
          out.push(`${name} ${lang} ${width}px: ${size[1]} px tall, ${size[0]} px wide`);
          if (!measureOnly)
            await page.screenshot({
              path: join(root, "docs", `${name}-${lang}-${width}.png`),
              fullPage: true,
              clip: { x: 0, y: 0, width, height: Math.min(size[1], MAX_HEIGHT) },
            });
        }
        await context.close();
      }
    }
    for (const l of out) console.log(l);
  } finally {
    await browser.close();
    await worker.stop();
    dns.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
