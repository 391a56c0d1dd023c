import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV, ROOT, siteCli } from "./site-cli";
import { hashToken } from "../../worker/auth/tokens";
import {
  checkSiteName,
  insertSiteSql,
  rotateTokenSql,
  sqlString,
  sqlValue,
  targetArgs,
  wranglerFailure,
} from "../../scripts/site-lib";

describe("SQL literals", () => {
  it.each([
    ["plain", "'plain'"],
    ["it's", "'it''s'"],
    ["''", "''''''"],
    ["a; DROP TABLE sites; --", "'a; DROP TABLE sites; --'"],
    ['back\\slash "q" é', "'back\\slash \"q\" é'"],
  ])("sqlString(%j) = %s", (input, literal) => {
    expect(sqlString(input)).toBe(literal);
  });

  it("refuses NUL, non-integers; maps booleans and null", () => {
    expect(() => sqlString("a\0b")).toThrow(/NUL/);
    expect(() => sqlValue(1.5)).toThrow(/integer/);
    expect([sqlValue(true), sqlValue(false), sqlValue(null), sqlValue(42)]).toEqual([
      "1",
      "0",
      "NULL",
      "42",
    ]);
  });

  it("builds the insert and the rotation from escaped values", () => {
    const sql = insertSiteSql({
      name: "demo",
      agentTokenHash: "aa",
      readTokenHash: "bb",
      public: true,
      privacy: "hash",
      config: `{"x":"o'k"}`,
    });
    expect(sql).toContain(`VALUES ('demo', 'aa', 'bb', 1, 'hash', '{"x":"o''k"}')`);
    expect(sql).toMatch(/ON CONFLICT \(name\) DO NOTHING RETURNING id$/);
    expect(rotateTokenSql("demo", "read", "cc")).toBe(
      "UPDATE sites SET read_token_hash = 'cc' WHERE name = 'demo' RETURNING id",
    );
  });
});

describe("helpers", () => {
  it.each(["a", "demo", "my-site-2", "0", "a".repeat(63)])("accepts the name %j", (name) => {
    expect(() => checkSiteName(name)).not.toThrow();
  });

  it.each(["", "Demo", "-x", "a_b", "a.b", "é", "a".repeat(64)])("refuses the name %j", (name) => {
    expect(() => checkSiteName(name)).toThrow(/bad site name/);
  });

  it("targets local, local in a state dir, or remote", () => {
    expect(targetArgs({ remote: false })).toEqual(["--local"]);
    expect(targetArgs({ remote: false, persistTo: "/s" })).toEqual([
      "--local",
      "--persist-to",
      "/s",
    ]);
    expect(targetArgs({ remote: true })).toEqual(["--remote"]);
  });

  it("reads wrangler's error from --json stdout, else from stderr without colours", () => {
    expect(
      wranglerFailure(
        '\n{\n  "error": {\n    "text": "no such table: sites: SQLITE_ERROR"\n  }\n}',
        "",
      ),
    ).toBe("no such table: sites: SQLITE_ERROR");
    expect(wranglerFailure("Resource location: local", "\x1b[31m✘ [ERROR]\x1b[0m bad\n")).toBe(
      "✘ [ERROR] bad",
    );
  });
});

// The real CLI against wrangler's real local D1, in a state directory of its own. Binaries are run
// from node_modules/.bin (what `npx` would find) because npx adds ~1 s per call on a busy machine.
describe("npm run site", () => {
  const state = mkdtempSync(join(tmpdir(), "vigie-site-"));
  const configFile = join(state, "config.json");
  const config = { siteHosts: ["o'reilly.example; DROP TABLE sites; --"] };
  type SiteRow = {
    agent_token_hash: string;
    read_token_hash: string;
    public: number;
    privacy: string;
    config: string;
  };
  /** `add demo` as beforeAll ran it, and demo's row right after. */
  let added: ReturnType<typeof site>;
  let addedRow: SiteRow;

  const { site, query } = siteCli(state);
  const row = (name: string): SiteRow =>
    query<SiteRow>(`SELECT * FROM sites WHERE name = '${name}'`)[0][0];

  beforeAll(() => {
    writeFileSync(configFile, JSON.stringify(config));
    added = site("add", "demo", "--public", "--privacy", "hash", "--config", configFile);
    if (added.status === 0) addedRow = row("demo");
  }, 60_000);
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  it("add prints exactly one JSON line and stores only the tokens' hashes", async () => {
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout.endsWith("\n")).toBe(true);
    expect(added.stdout.trimEnd().split("\n")).toHaveLength(1);
    const out = JSON.parse(added.stdout) as { site: string; agentToken: string; readToken: string };
    expect(Object.keys(out)).toEqual(["site", "agentToken", "readToken"]);
    expect(out.site).toBe("demo");
    expect(out.agentToken).toMatch(/^vga_[A-Za-z0-9_-]{43}$/);
    expect(out.readToken).toMatch(/^vgr_[A-Za-z0-9_-]{43}$/);
    expect(added.stderr).toContain("0000_init.sql"); // wrangler's migration report went to stderr

    expect(addedRow).toMatchObject({
      agent_token_hash: await hashToken(out.agentToken),
      read_token_hash: await hashToken(out.readToken),
      public: 1,
      privacy: "hash",
    });
    expect(JSON.parse(addedRow.config)).toEqual(config);
    expect(JSON.stringify(addedRow)).not.toContain(out.agentToken.slice(4));
  });

  it("as the contract writes it, `npm run site -- add NAME`, stdout is that one JSON line (no npm banner: .npmrc)", () => {
    const own = mkdtempSync(join(tmpdir(), "vigie-site-npm-"));
    const r = spawnSync("npm", ["run", "site", "--", "add", "contract", "--persist-to", own], {
      cwd: ROOT,
      env: ENV,
      encoding: "utf8",
    });
    rmSync(own, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^\{"site":"contract","agentToken":"vga_[A-Za-z0-9_-]{43}","readToken":"vgr_[A-Za-z0-9_-]{43}"\}\n$/,
    );
  });

  it("a duplicate name exits 1 with a message and prints nothing", () => {
    const again = site("add", "demo");
    expect(again.status).toBe(1);
    expect(again.stdout).toBe("");
    expect(again.stderr).toContain('site "demo" already exists');
  });

  it("a bad name exits 1 with a message", () => {
    const bad = site("add", "Bad_Name");
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain('bad site name "Bad_Name"');
  });

  it("a configuration the schema refuses exits 1 and creates nothing (a host that is no string broke every upload)", () => {
    const bad = join(state, "bad-config.json");
    writeFileSync(
      bad,
      JSON.stringify({ searchEngines: [{ name: "x", hosts: [1], params: ["q"] }] }),
    );
    const r = site("add", "badconf", "--config", bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("searchEngines.0.hosts.0");
    expect(row("badconf")).toBeUndefined();
  });

  it("token replaces one hash and leaves the other; an unknown site exits 1", async () => {
    const rotated = site("token", "demo", "--kind", "agent");
    expect(rotated.status, rotated.stderr).toBe(0);
    const out = JSON.parse(rotated.stdout) as Record<string, string>;
    expect(Object.keys(out)).toEqual(["site", "agentToken"]);
    const now = row("demo");
    expect(now.agent_token_hash).not.toBe(addedRow.agent_token_hash);
    expect(now.agent_token_hash).toBe(await hashToken(out.agentToken));
    expect(now.read_token_hash).toBe(addedRow.read_token_hash);

    const unknown = site("token", "nosuch", "--kind", "read");
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain('no site "nosuch"');
  });

  it("list prints one JSON line per site", () => {
    const listed = site("list");
    expect(listed.status, listed.stderr).toBe(0);
    expect(
      listed.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        site: "demo",
        public: true,
        privacy: "hash",
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
  });
});
