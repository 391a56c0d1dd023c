/**
 * Cloudflare's own commands on a fresh clone, with nothing built: `wrangler dev` serves (its
 * `[build]` makes the country table), then `wrangler deploy --dry-run` bundles (the table now up to
 * date, not rebuilt), and the bundle fits the Workers Free plan's 3 MB, compressed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, quietEnv } from "../../scripts/local-worker";
import { freshCheckout } from "./checkout";
import { type Group, startGroup } from "./process-group";

/** Workers Free: 3 MB per Worker after compression (developers.cloudflare.com/workers/platform/limits/#worker-size). */
const FREE_PLAN_BYTES = 3_000_000;

describe("a fresh clone", () => {
  const checkout = freshCheckout("clone");
  const env = { ...quietEnv, WRANGLER_LOG_PATH: join(checkout.dir, "wrangler-logs") };
  const wrangler = join(checkout.dir, "node_modules", "wrangler", "bin", "wrangler.js");
  const groups: Group[] = [];
  afterAll(async () => {
    await Promise.all(groups.map((g) => g.stop("SIGKILL")));
    checkout.remove();
  });

  it("wrangler dev builds what it needs and serves", async () => {
    const port = await freePort();
    const dev = startGroup(
      process.execPath,
      [wrangler, "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", "0"],
      { cwd: checkout.dir, env },
    );
    groups.push(dev);
    await dev.waitFor(/Ready on http:\/\/127\.0\.0\.1:\d+/, 120_000);
    expect(dev.output()).toMatch(
      /\[custom build\] build-geo: worker\/generated\/geo\.bin \d+ bytes/,
    );
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    await dev.stop();
  }, 150_000);

  it("wrangler deploy --dry-run bundles a Worker under the Free plan's 3 MB compressed", async () => {
    const outdir = join(checkout.dir, "bundle");
    const deploy = startGroup(
      process.execPath,
      [wrangler, "deploy", "--dry-run", "--outdir", outdir],
      { cwd: checkout.dir, env },
    );
    groups.push(deploy);
    expect(await deploy.exited, deploy.output()).toBe(0);
    // Up to date since the test above: the build step runs and does nothing.
    expect(deploy.output()).toMatch(/build-geo: worker\/generated\/geo\.bin is up to date/);
    // What is uploaded: the modules (the source map and wrangler's README stay behind).
    const modules = readdirSync(outdir).filter((f) => !/\.map$|^README\.md$/.test(f));
    expect(modules).toEqual(
      expect.arrayContaining(["index.js", expect.stringMatching(/geo\.bin$/)]),
    );
    let raw = 0;
    let gzipped = 0;
    for (const f of modules) {
      raw += statSync(join(outdir, f)).size;
      gzipped += gzipSync(readFileSync(join(outdir, f)), { level: 9 }).length;
    }
    const wranglerSays = /Total Upload: .* \/ gzip: ([\d.]+ KiB)/.exec(deploy.output())?.[1];
    console.log(
      `worker bundle: ${modules.length} modules, ${(raw / 1e6).toFixed(2)} MB, gzipped ${(gzipped / 1e6).toFixed(2)} MB (wrangler: gzip ${wranglerSays}); Free plan limit ${FREE_PLAN_BYTES / 1e6} MB`,
    );
    expect(gzipped).toBeLessThan(FREE_PLAN_BYTES);
  }, 120_000);
});
