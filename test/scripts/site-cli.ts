// The site CLI and wrangler's local D1 as the script tests run them: straight from
// node_modules/.bin (what `npx` would find: npx adds ~1 s a call on a busy machine), against a
// state directory of the test's own.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
const bin = (name: string) => join(ROOT, "node_modules/.bin", name);

export function siteCli(state: string) {
  /** `npm run site -- ARGS --persist-to STATE`, run by tsx. */
  const site = (...args: string[]) => {
    const r = spawnSync(bin("tsx"), ["scripts/site.ts", ...args, "--persist-to", state], {
      cwd: ROOT,
      env: ENV,
      encoding: "utf8",
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** The rows of each statement of `sql`, read by `wrangler d1 execute`; it must succeed. */
  const query = <Row = Record<string, unknown>>(sql: string): Row[][] => {
    const r = spawnSync(
      bin("wrangler"),
      ["d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command", sql],
      { cwd: ROOT, env: ENV, encoding: "utf8" },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { results: Row[] }[]).map((x) => x.results);
  };
  return { site, query };
}
