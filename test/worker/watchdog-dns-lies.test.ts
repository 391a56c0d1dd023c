import { afterEach, describe, expect, it } from "vitest";
import {
  cfSeed,
  fake,
  Loop,
  M,
  resetFake,
  rows,
  S,
  unwatchAll,
  writes,
  ZONE,
} from "./watchdog-helpers";

// DNS providers that lie as eventually consistent APIs do (test/fakes/dns-providers.ts, `lie`):
// a write answered as done but not applied, a read that serves the record as it was before its
// last write. The drain (worker/watchdog/drain-dns.ts) must never call a switch done on a write's
// answer alone: it reads back, leaves the change pending ("unverified") when the read disagrees,
// and the next tick reads again, writing again only if the record is really still wrong.

afterEach(unwatchAll);

const failover = async (siteId: number) =>
  (
    await rows<{ status: string; outcome: string; response_body: string; attempts: number }>(
      "SELECT status, outcome, response_body, attempts FROM dns_changes WHERE site_id = ?1 AND kind = 'failover'",
      siteId,
    )
  )[0];

describe("a provider that lies", () => {
  it("Cloudflare, a stale read-back: unverified and still failing over; done at the next read, one PATCH", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("lie-stale", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(5, { master: M, standby: S });
    await fake("lie", { provider: "cloudflare", kind: "stale-read", times: 1 });
    await loop.run(10, { standby: S });
    // The failover's write landed, its read-back said otherwise: not verified, so not done.
    expect(await loop.state()).toMatchObject({ state: "FAILING_OVER", epoch: 2 });
    expect(await failover(loop.site.id)).toEqual({
      status: "pending",
      outcome: "unverified",
      response_body: `read back ${M}`,
      attempts: 1,
    });
    expect((await fake("state")).cloudflare[ZONE][0].content).toBe(S);
    await loop.run(11, { standby: S });
    expect(await loop.state()).toMatchObject({ state: "STANDBY_ACTIVE", epoch: 2 });
    expect(await failover(loop.site.id)).toMatchObject({ status: "done", outcome: "written" });
    const f = await fake("state");
    expect(writes(f, "cloudflare").map((c) => c.method)).toEqual(["PATCH"]);
    expect(f.webhook.map((w) => w.body.title)).toContain(
      "lie-stale: Fallback server activated (epoch 2)",
    );
  });

  it("Gandi, a dropped write (201, not applied): unverified, written again at the next tick, then done", async () => {
    await resetFake({
      gandi: { domains: { "example.net": { "www/A": { ttl: 300, values: [M] } } } },
    });
    const loop = await Loop.create(
      "lie-drop",
      { provider: "gandi", zone: "example.net", record: "www.example.net" },
      { DNS_API_BASE: "" },
    );
    await loop.run(5, { master: M, standby: S });
    await fake("lie", { provider: "gandi", kind: "drop-write", times: 1 });
    await loop.run(10, { standby: S });
    expect(await loop.state()).toMatchObject({ state: "FAILING_OVER", epoch: 2 });
    expect(await failover(loop.site.id)).toMatchObject({
      status: "pending",
      outcome: "unverified",
      response_body: `read back ${M}`,
    });
    expect((await fake("state")).gandi["example.net"]["www/A"].values).toEqual([M]);
    await loop.run(11, { standby: S });
    expect(await loop.state()).toMatchObject({ state: "STANDBY_ACTIVE", epoch: 2 });
    const f = await fake("state");
    expect(f.gandi["example.net"]["www/A"]).toEqual({ ttl: 300, values: [S] });
    expect(writes(f, "gandi").map((c) => [c.method, c.status])).toEqual([
      ["PUT", 201],
      ["PUT", 201],
    ]);
    expect(await failover(loop.site.id)).toMatchObject({ status: "done", outcome: "written" });
  });

  it("Cloudflare, a dropped write: the next tick reads it wrong and writes again", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("lie-both", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(5, { master: M, standby: S });
    await fake("lie", { provider: "cloudflare", kind: "drop-write", times: 1 });
    await loop.run(10, { standby: S });
    expect(await loop.state()).toMatchObject({ state: "FAILING_OVER" });
    await loop.run(12, { standby: S });
    expect(await loop.state()).toMatchObject({ state: "STANDBY_ACTIVE", epoch: 2 });
    const f = await fake("state");
    expect(f.cloudflare[ZONE][0].content).toBe(S);
    expect(writes(f, "cloudflare").map((c) => c.method)).toEqual(["PATCH", "PATCH"]);
  });
});
