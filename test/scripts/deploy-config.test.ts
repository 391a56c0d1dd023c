/** wrangler.deploy.jsonc from wrangler.toml: [env.production] applied as wrangler applies an environment. */
import { join } from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { deployConfig, deployedUrls, type RawConfig } from "../../scripts/deploy-config";
import { root } from "../../scripts/local-worker";

const raw = experimental_readRawConfig({ config: join(root, "wrangler.toml") })
  .rawConfig as RawConfig;

describe("the deployed worker's configuration", () => {
  it("is the top level with production's vars and D1, no local database id, no e-mail", () => {
    const c = deployConfig(raw, {});
    expect(c).toMatchObject({
      name: "vigie",
      main: raw.main,
      compatibility_date: raw.compatibility_date,
      build: raw.build,
      triggers: raw.triggers,
      rules: raw.rules,
      vars: { MAX_CHUNK_BYTES: "262144" },
      d1_databases: [{ binding: "DB", database_name: "vigie", migrations_dir: "migrations" }],
    });
    expect(c.env).toBeUndefined();
    expect(c.send_email).toBeUndefined();
    expect(c.d1_databases![0].database_id).toBeUndefined();
    // The local placeholder never reaches a deployment.
    expect(JSON.stringify(c)).not.toContain("00000000-0000-0000-0000-000000000000");
  });

  it("takes the database's id, and e-mail only when asked", () => {
    const email = { from: "vigie@example.org", to: "owner@example.net" };
    const c = deployConfig(raw, { databaseId: "db-uuid", email });
    expect(c.d1_databases![0].database_id).toBe("db-uuid");
    expect(c.send_email).toEqual([{ name: "EMAIL", destination_address: email.to }]);
    expect(c.vars).toEqual({
      MAX_CHUNK_BYTES: "262144",
      NOTIFY_EMAIL_FROM: email.from,
      NOTIFY_EMAIL_TO: email.to,
    });
    expect(deployConfig(raw, { databaseId: "db-uuid", email: null }).send_email).toBeUndefined();
  });

  it("needs [env.production] with one database", () => {
    expect(() => deployConfig({ ...raw, env: undefined }, {})).toThrow(/\[env\.production\]/);
    const two = { ...raw.env!.production, d1_databases: [] };
    expect(() => deployConfig({ ...raw, env: { production: two } }, {})).toThrow(/exactly one/);
  });

  it("reads the URLs from wrangler's output file", () => {
    const out = [
      JSON.stringify({ version: 1, type: "wrangler-session", wrangler_version: "4.86.0" }),
      JSON.stringify({
        version: 1,
        type: "deploy",
        worker_name: "vigie",
        targets: ["https://vigie.owner.workers.dev", "stats.example.org/*"],
      }),
      "",
    ].join("\n");
    expect(deployedUrls(out)).toEqual([
      "https://vigie.owner.workers.dev",
      "https://stats.example.org/",
    ]);
  });
});
