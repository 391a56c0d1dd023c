import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import {
  cfSeed,
  fake,
  Loop,
  M,
  resetFake,
  S,
  unwatchAll,
  watchdogStatus,
  writes,
  ZONE,
} from "./watchdog-helpers";

// `--stale refuse` end to end (watch_config.stale_policy, migration 0005).

afterEach(unwatchAll);

const DAY = 86_400_000;

describe("stale_policy = refuse", () => {
  it.each([
    ["refuse", "NO_STANDBY", 0],
    ["warn", "STANDBY_ACTIVE", 1],
  ] as const)("%s, a 2-day-old standby copy → %s", async (policy, want, patches) => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create(`stale-${policy}`, {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await env.DB.prepare("UPDATE watch_config SET stale_policy = ?2 WHERE site_id = ?1")
      .bind(loop.site.id, policy)
      .run();
    const old = (t: number) => ({ replicatedAt: new Date(t - 2 * DAY).toISOString() });
    await loop.run(5, { master: M, standby: S }, old);
    await loop.run(12, { standby: S }, old);
    expect((await loop.state()).state).toBe(want);
    const f = await fake("state");
    expect(writes(f, "cloudflare")).toHaveLength(patches);
    if (policy === "refuse") {
      expect(f.webhook.map((w) => w.body.title)).toContain(
        `stale-refuse: Master down, standby data too old: no failover`,
      );
      const st = await watchdogStatus("stale-refuse", loop.site.readToken);
      expect(st.body.events.at(-1).reason).toMatch(
        /box2's copy of the data is 2 d old \(limit 24 h, --stale refuse\)/,
      );
    }
  });
});
