/**
 * A site in a database of its own (worker/db/databases.ts): vitest.config.ts binds DB_SOLO and names
 * it for the site "solo" in SITE_DATABASES. Everything of that site — uploads, receipts, reports,
 * nodes, heartbeats, the watchdog's tick — happens in DB_SOLO, and nothing of it reaches DB.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import { hashToken, newToken } from "../../worker/auth/tokens";
import { createSite, uploadRange } from "./helpers";
import { tick } from "./watchdog-helpers";

const log = new TextEncoder().encode(semicompleteText);
const count = async (db: D1Database, sql: string) =>
  (await db.prepare(sql).first<{ n: number }>())!.n;

describe("a site in a database of its own", () => {
  it("uploads, reads and receipts go to its database; the shared one never sees them", async () => {
    const solo = await createSite("solo", { db: env.DB_SOLO });
    const before = await count(env.DB, "SELECT count(*) AS n FROM months");
    const res = await uploadRange(solo, log, 0, log.length);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await count(env.DB_SOLO, "SELECT count(*) AS n FROM months")).toBe(1);
    expect(await count(env.DB_SOLO, "SELECT count(*) AS n FROM chunks")).toBe(1);
    expect(await count(env.DB, "SELECT count(*) AS n FROM months")).toBe(before);
    expect(await count(env.DB, "SELECT count(*) AS n FROM sites WHERE name = 'solo'")).toBe(0);
    // A replay is recognised there.
    const again = await uploadRange(solo, log, 0, log.length);
    expect(await again.json()).toMatchObject({ status: "already-applied" });
    const summary = await SELF.fetch("http://vigie.test/api/v1/sites/solo/summary?month=2015-05", {
      headers: { authorization: `Bearer ${solo.readToken}` },
    });
    expect(await summary.json()).toMatchObject({ hits: 10_000 });
    const page = await SELF.fetch("http://vigie.test/sites/solo/2015-05", {
      headers: { authorization: `Bearer ${solo.readToken}` },
    });
    expect(page.status).toBe(200);
    // The same name in the shared database is not that site: its token is refused there too.
    const other = await createSite("not-solo");
    const wrong = await uploadRange({ ...other, name: "solo" }, log, 0, 100);
    expect(wrong.status).toBe(401);
  });

  it("its nodes' heartbeats and its watchdog's tick run in its database", async () => {
    const site = await env.DB_SOLO.prepare("SELECT id FROM sites WHERE name = 'solo'").first<{
      id: number;
    }>();
    const siteId = site?.id ?? (await createSite("solo", { db: env.DB_SOLO }).then((s) => s.id));
    const token = newToken("node");
    await env.DB_SOLO.prepare(
      "INSERT INTO nodes (site_id, node, role, token_hash, created_at) VALUES (?1, 'box', 'master', ?2, ?3)",
    )
      .bind(siteId, await hashToken(token), Date.now())
      .run();
    const hb = await SELF.fetch("http://vigie.test/api/v1/heartbeat", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "cf-connecting-ip": "81.2.69.142" },
    });
    expect(hb.status, await hb.clone().text()).toBe(200);
    const seen = await env.DB_SOLO.prepare("SELECT v4 FROM nodes WHERE site_id = ?1")
      .bind(siteId)
      .first<{ v4: string }>();
    expect(seen!.v4).toBe("81.2.69.142");
    expect(await count(env.DB, "SELECT count(*) AS n FROM nodes WHERE node = 'box'")).toBe(0);
    // The cron tick walks every database: the site's watchdog state, in its database, moves.
    await env.DB_SOLO.batch([
      env.DB_SOLO.prepare(
        "INSERT INTO watch_config (site_id, provider, zone, record) VALUES (?1, 'cloudflare', 'zone', 'www.example.org')",
      ).bind(siteId),
      env.DB_SOLO.prepare("INSERT INTO watchdog_state (site_id, since) VALUES (?1, ?2)").bind(
        siteId,
        Date.now(),
      ),
    ]);
    const now = Date.now();
    await tick(now);
    const state = await env.DB_SOLO.prepare(
      "SELECT last_tick AS lastTick FROM watchdog_state WHERE site_id = ?1",
    )
      .bind(siteId)
      .first<{ lastTick: number }>();
    expect(state!.lastTick).toBe(now);
  });
});
