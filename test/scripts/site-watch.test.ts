import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteCli } from "./site-cli";
import { hashToken } from "../../worker/auth/tokens";
import {
  checkWatch,
  upsertNodeSql,
  WATCH_DEFAULTS,
  watchSql,
  type WatchSettings,
} from "../../scripts/site-lib";

const cf: WatchSettings = {
  ...WATCH_DEFAULTS,
  provider: "cloudflare",
  zone: "023e105f4ecef8ad9ca31a8372d0c353",
  record: "www.example.org",
};

describe("watch settings", () => {
  it("normalises names and accepts the defaults", () => {
    expect(checkWatch({ ...cf, record: "WWW.Example.org." })).toMatchObject({
      record: "www.example.org",
      type: "A",
      lease: 180,
      failback: "manual",
    });
    expect(
      checkWatch({ ...cf, provider: "gandi", zone: "Example.org", record: "example.org" }),
    ).toMatchObject({ zone: "example.org", record: "example.org" });
  });

  it("lists every problem at once", () => {
    const bad = {
      ...cf,
      provider: "gandi" as const,
      zone: "example.org",
      record: "www.example.net",
      lease: 5,
      down: 1,
      type: "MX" as "A",
    };
    expect(() => checkWatch(bad)).toThrow(
      /--type must be A or AAAA\n {2}--record www\.example\.net is not inside the domain example\.org\n {2}--lease \(seconds\) must be an integer from 10 to 86400\n {2}--down \(ticks\) must be an integer from 2 to 1000/,
    );
    expect(() => checkWatch({ ...cf, zone: "example.org/x" })).toThrow(/Cloudflare's zone id/);
    expect(() => checkWatch({ ...cf, record: "not a name" })).toThrow(
      /not a fully qualified domain name/,
    );
    expect(() => checkWatch({ ...cf, stale: "maybe" as "warn" })).toThrow(
      /--stale must be warn or refuse/,
    );
  });

  it("--stale writes stale_policy when given, and leaves it alone when not", () => {
    expect(watchSql("demo", { ...cf, stale: "refuse" }, 7)).toMatch(
      /, stale_policy\) SELECT .*, 'refuse' WHERE .* stale_policy = excluded\.stale_policy RETURNING site_id$/,
    );
    expect(watchSql("demo", cf, 7)).not.toContain("stale_policy");
  });

  it("builds its SQL from escaped literals", () => {
    expect(upsertNodeSql("demo", "o'box", "master", "ab", 7)).toBe(
      "INSERT INTO nodes (site_id, node, role, token_hash, created_at) SELECT id, 'o''box', 'master', 'ab', 7 FROM sites WHERE name = 'demo' ON CONFLICT (site_id, node) DO UPDATE SET role = excluded.role, token_hash = excluded.token_hash RETURNING node",
    );
    const sql = watchSql("demo", cf, 7);
    expect(sql).toContain(
      "ON CONFLICT (site_id) DO UPDATE SET target = NULL, record_content = NULL, record_checked_at = NULL, version = version + 1",
    );
    expect(sql).toMatch(/RETURNING site_id$/);
  });
});

// The real CLI against wrangler's real local D1, in a state directory of its own.
describe("npm run site -- node / watch", () => {
  const state = mkdtempSync(join(tmpdir(), "vigie-watch-"));
  const { site, query } = siteCli(state);

  beforeAll(() => {
    expect(site("add", "demo").status).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  it("node prints one JSON line with the node token (only its hash is stored), one node per role; watch stores the settings and a state row", async () => {
    const master = site("node", "demo", "box1", "--role", "master");
    expect(master.status, master.stderr).toBe(0);
    expect(master.stdout.trimEnd().split("\n")).toHaveLength(1);
    const out = JSON.parse(master.stdout) as Record<string, string>;
    expect(Object.keys(out)).toEqual(["site", "node", "role", "nodeToken"]);
    expect(out).toMatchObject({
      site: "demo",
      node: "box1",
      role: "master",
      nodeToken: expect.stringMatching(/^vgn_[A-Za-z0-9_-]{43}$/),
    });

    const second = site("node", "demo", "box3", "--role", "master");
    expect(second.status).toBe(1);
    expect(second.stdout).toBe("");
    expect(second.stderr).toContain('site "demo" already has a master: node "box1"');

    const watched = site(
      "watch",
      "demo",
      "--provider",
      "gandi",
      "--zone",
      "example.org",
      "--record",
      "home.example.org",
      "--type",
      "AAAA",
      "--lease",
      "240",
      "--failback",
      "auto",
    );
    expect(watched.status, watched.stderr).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({
      site: "demo",
      provider: "gandi",
      zone: "example.org",
      record: "home.example.org",
      type: "AAAA",
      lease: 240,
      failback: "auto",
    });
    const bad = site(
      "watch",
      "demo",
      "--provider",
      "gandi",
      "--zone",
      "example.org",
      "--record",
      "www.example.net",
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("is not inside the domain example.org");
    const [nodes, config, wd] = query(
      "SELECT node, role, token_hash FROM nodes ORDER BY node; SELECT provider, zone, record, type, lease_seconds, failback, down_ticks FROM watch_config; SELECT state, epoch, active, version FROM watchdog_state",
    );
    expect(nodes).toEqual([
      { node: "box1", role: "master", token_hash: await hashToken(out.nodeToken) },
    ]);
    expect(config).toEqual([
      {
        provider: "gandi",
        zone: "example.org",
        record: "home.example.org",
        type: "AAAA",
        lease_seconds: 240,
        failback: "auto",
        down_ticks: 3,
      },
    ]);
    expect(wd).toEqual([{ state: "MASTER_ACTIVE", epoch: 1, active: "master", version: 0 }]);

    // --stale is stored (watch_config.stale_policy, migration 0005).
    const stale = site(
      "watch",
      "demo",
      "--provider",
      "gandi",
      "--zone",
      "example.org",
      "--record",
      "home.example.org",
      "--type",
      "AAAA",
      "--lease",
      "240",
      "--failback",
      "auto",
      "--stale",
      "refuse",
    );
    expect(stale.status, stale.stderr).toBe(0);
    expect(query("SELECT stale_policy FROM watch_config")[0]).toEqual([{ stale_policy: "refuse" }]);
  });
});
