/**
 * `npm run deploy` from a fresh clone, the real script and the real wrangler, against Cloudflare's
 * API faked on loopback (test/scripts/fake-cloudflare.ts; wrangler honours CLOUDFLARE_API_BASE_URL):
 * a refusal when not logged in (the README's test runs `--dry-run`), a first deploy that creates
 * the database, migrates and uploads the worker (its build run by wrangler, its size measured
 * against the Free plan's) with its secret and e-mail binding, then a second one that
 * changes nothing but the code; and `npm run site -- add --remote` on the deployed database.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloudflare, type MultipartSummary } from "../scripts/fake-cloudflare";
import { freshCheckout } from "./checkout";

describe("npm run deploy", () => {
  const checkout = freshCheckout("deploy");
  const dir = checkout.dir;
  const fake = new FakeCloudflare();
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    const base = await fake.listen();
    const home = join(dir, ".home"); // no login of this machine's user can leak in
    mkdirSync(home);
    env = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      WRANGLER_LOG_PATH: join(home, "logs"),
      WRANGLER_CACHE_DIR: join(home, "cache"),
      CLOUDFLARE_API_BASE_URL: base,
    };
    delete env.CLOUDFLARE_API_TOKEN;
    delete env.CLOUDFLARE_ACCOUNT_ID;
    delete env.DNS_TOKEN;
    delete env.NOTIFY_WEBHOOK_URL;
  });
  afterAll(async () => {
    await fake.close();
    checkout.remove();
  });

  /** Runs `npm run <args>` in the clone (asynchronously: the fake answers from this process). */
  const npm = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn("npm", ["run", "--silent", ...args], {
        cwd: dir,
        env: { ...env, ...extra },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("exit", (code) => resolve({ code, out }));
    });
  const logged = { CLOUDFLARE_API_TOKEN: fake.token };
  const deployConfig = () =>
    JSON.parse(readFileSync(join(dir, "wrangler.deploy.jsonc"), "utf8").replace(/^\/\/.*\n/, ""));
  /** The worker's upload among the calls since `from` (the script, or a version of it). */
  const uploaded = (from: number) =>
    fake.calls.slice(from).find((c) => /\/workers\/scripts\/vigie(\/versions)?\?/.test(c.path))
      ?.body as MultipartSummary & {
      metadata: { bindings: { name: string; type: string; [k: string]: unknown }[] };
    };

  it("not logged in: says to run `npx wrangler login`", async () => {
    const r = await npm(["deploy"]);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("not logged in to Cloudflare: run `npx wrangler login` first");
    expect(fake.calls.filter((c) => c.path.includes("/d1/"))).toEqual([]);
  }, 60_000);

  it("first deploy: creates the database, migrates, uploads with the secret and e-mail, prints the URL", async () => {
    const from = fake.calls.length;
    const r = await npm(
      ["deploy", "--", "--email-from", "vigie@example.org", "--email-to", "owner@example.net"],
      { ...logged, DNS_TOKEN: "dns-token-value" },
    );
    expect(r.code, r.out).toBe(0);
    expect(fake.databases.map((d) => d.name)).toEqual(["vigie"]);
    const db = fake.databases[0];
    const files = readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".sql"));
    expect(db.migrations).toEqual(files.sort());
    const bindings = uploaded(from).metadata.bindings;
    expect(bindings).toEqual(
      expect.arrayContaining([
        { name: "DB", type: "d1", id: db.uuid },
        { name: "MAX_CHUNK_BYTES", type: "plain_text", text: "262144" },
        { name: "NOTIFY_EMAIL_FROM", type: "plain_text", text: "vigie@example.org" },
        { name: "NOTIFY_EMAIL_TO", type: "plain_text", text: "owner@example.net" },
        expect.objectContaining({ name: "EMAIL", type: "send_email" }),
        { name: "DNS_TOKEN", type: "secret_text", text: "dns-token-value" },
      ]),
    );
    // Nothing built beforehand: wrangler deploy's own [build] made the country table; and what was
    // uploaded fits the Workers Free plan's 3 MB, compressed
    // (developers.cloudflare.com/workers/platform/limits/#worker-size).
    expect(r.out).toMatch(/\[custom build\] build-geo: worker\/generated\/geo\.bin \d+ bytes/);
    const modules = Object.entries(uploaded(from).modules!);
    expect(modules.map(([name]) => name)).toEqual(
      expect.arrayContaining(["index.js", expect.stringMatching(/geo\.bin$/)]),
    );
    const raw = modules.reduce((n, [, b]) => n + b.length, 0);
    const gzipped = modules.reduce((n, [, b]) => n + gzipSync(b, { level: 9 }).length, 0);
    const wranglerSays = /Total Upload: .* \/ gzip: ([\d.]+ KiB)/.exec(r.out)?.[1];
    console.log(
      `worker upload: ${modules.length} modules, ${(raw / 1e6).toFixed(2)} MB, gzipped ${(gzipped / 1e6).toFixed(2)} MB (wrangler: gzip ${wranglerSays}); Free plan limit 3 MB`,
    );
    expect(gzipped).toBeLessThan(3_000_000);
    const script = fake.scripts.get("vigie")!;
    expect(script.crons).toEqual(["* * * * *"]);
    expect(script.subdomainEnabled).toBe(true);
    expect(deployConfig().d1_databases[0].database_id).toBe(db.uuid);
    expect(r.out).toContain("deploy: Vigie is deployed: https://vigie.owner.workers.dev");
    expect(r.out).toContain("npm run site -- add blog --remote");
  }, 180_000);

  it("again: no new database, no migration, the secret kept, the e-mail choice remembered", async () => {
    const from = fake.calls.length;
    const statements = fake.databases[0].statements.length;
    const r = await npm(["deploy"], logged);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("No migrations to apply!");
    expect(fake.databases).toHaveLength(1);
    // The recorded id is used: no listing of the account's databases.
    expect(fake.calls.slice(from).filter((c) => /\/d1\/database\?/.test(c.path))).toEqual([]);
    // Only the bookkeeping: the migrations table made sure of, and read.
    expect(fake.databases[0].statements.length - statements).toBe(2);
    const bindings = uploaded(from).metadata.bindings;
    expect(bindings).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "EMAIL", type: "send_email" })]),
    );
    expect(bindings.some((b) => b.type === "secret_text")).toBe(false);
    expect([...fake.scripts.get("vigie")!.secrets.keys()]).toEqual(["DNS_TOKEN"]);
    expect(r.out).toContain("https://vigie.owner.workers.dev");
  }, 180_000);

  it("`npm run site -- add blog --remote` writes to the deployed database", async () => {
    const r = await npm(["site", "--", "add", "blog", "--remote"], logged);
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.out.trim().split("\n").at(-1)!)).toMatchObject({ site: "blog" });
    expect(fake.databases[0].statements.at(-1)).toMatch(/^INSERT INTO sites .*'blog'/);
  }, 60_000);
});
