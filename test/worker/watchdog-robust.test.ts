import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { watchdogDeps } from "../../worker/watchdog/deps";
import { runWatchdog } from "../../worker/watchdog/tick";
import { createSite } from "./helpers";
import {
  cfSeed,
  createNode,
  fake,
  heartbeat,
  Loop,
  M,
  MIN,
  resetFake,
  rows,
  S,
  setClock,
  T0,
  tick,
  unwatchAll,
  watchdogStatus,
  watchSite,
  ZONE,
} from "./watchdog-helpers";

// Bad values a node may send, or that an older worker stored: refused at the door, and harmless
// once stored. Issue 18: one `replicatedAt` used to block the failover it was meant to describe.

afterEach(unwatchAll);

const DAY = 86_400_000;

describe("heartbeat fields out of range: 400, nothing stored", () => {
  const now = T0;
  it.each<[string, object]>([
    ["replicatedAt past year 275760 (epoch seconds)", { replicatedAt: 8.65e12 }],
    ["replicatedAt before 2000", { replicatedAt: "1999-12-31T23:59:59Z" }],
    ["replicatedAt two days ahead", { replicatedAt: (now + 2 * DAY) / 1000 }],
    ["replicatedAt negative", { replicatedAt: -1 }],
    ["replicatedAt not a time", { replicatedAt: "yesterday" }],
    ["replicatedAt a boolean", { replicatedAt: true }],
    ["uptime negative", { uptime: -1 }],
    ["uptime over a century", { uptime: 4e9 }],
    ["uptime a string", { uptime: "long" }],
    ["load negative", { load: -0.5 }],
    ["load absurd", { load: 1e9 }],
    ["version empty", { version: "" }],
    ["version too long", { version: "x".repeat(101) }],
    ["version with a control character", { version: "1.0\n<script>" }],
    ["version a number", { version: 12 }],
  ])("%s", async (_, body) => {
    const site = await createSite(`hb-range-${Math.random().toString(36).slice(2, 8)}`);
    const token = await createNode(site.id, "box1", "standby");
    setClock(now);
    const res = await heartbeat(token, S, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "bad_request" } });
    expect(
      await rows(
        "SELECT last_seen, v4, version, uptime, load, replicated_at FROM nodes WHERE site_id = ?1",
        site.id,
      ),
    ).toEqual([
      { last_seen: null, v4: null, version: null, uptime: null, load: null, replicated_at: null },
    ]);
  });

  it("the edges are taken: 2000-01-01, and one day ahead", async () => {
    const site = await createSite("hb-range-edges");
    const token = await createNode(site.id, "box1", "standby");
    setClock(now);
    for (const [sent, stored] of [
      ["2000-01-01T00:00:00Z", Date.UTC(2000, 0, 1)],
      [(now + DAY) / 1000, now + DAY],
    ] as const) {
      expect((await heartbeat(token, S, { replicatedAt: sent, uptime: 0, load: 0 })).status).toBe(
        200,
      );
      expect(await rows("SELECT replicated_at FROM nodes WHERE site_id = ?1", site.id)).toEqual([
        { replicated_at: stored },
      ]);
    }
  });

  it("a body over 4 KB is refused (413) without being read whole, and nothing is stored", async () => {
    const site = await createSite("hb-big");
    const token = await createNode(site.id, "box1", "master");
    const big = await heartbeat(token, M, { version: "1", pad: "x".repeat(5000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "too_large" } });
    // No Content-Length: a stream of 8 MB, of which the worker pulls only what the limit needs.
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(32);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 * 1024 * 1024) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await SELF.fetch("http://vigie.test/api/v1/heartbeat", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "cf-connecting-ip": M },
      body: stream,
    });
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(1024 * 1024);
    expect(await rows("SELECT last_seen FROM nodes WHERE site_id = ?1", site.id)).toEqual([
      { last_seen: null },
    ]);
  });
});

describe("a bad replicatedAt already stored (an older worker let it in)", () => {
  it("does not block the failover; the status route and page answer; a later heartbeat drops it", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("stored-bad", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(5, { master: M, standby: S });
    const poison = () =>
      env.DB.prepare("UPDATE nodes SET replicated_at = ?2 WHERE site_id = ?1 AND role = 'standby'")
        .bind(loop.site.id, 8.65e15)
        .run();
    // The master falls silent; the standby keeps heartbeating, its stored value poisoned each time.
    for (; loop.minute < 10; loop.minute++) {
      const t = T0 + loop.minute * MIN;
      setClock(t + 5_000);
      expect((await heartbeat(loop.standby, S)).status).toBe(200);
      await poison();
      await tick(t + MIN);
    }
    expect(await loop.state()).toEqual({ state: "STANDBY_ACTIVE", epoch: 2, active: "standby" });
    const f = await fake("state");
    expect(f.cloudflare[ZONE][0].content).toBe(S);
    expect(
      f.webhook.find((w) => w.body.title.endsWith("Failing over to the standby"))?.body.text,
    ).toContain("The standby never reported when its copy of the data last succeeded.");
    const st = await watchdogStatus("stored-bad", loop.site.readToken);
    expect(st.status).toBe(200);
    expect(st.body.nodes[1]).toMatchObject({ node: "box2", replicatedAt: null });
    const page = await SELF.fetch("http://vigie.test/sites/stored-bad/watchdog", {
      headers: { authorization: `Bearer ${loop.site.readToken}` },
    });
    expect(page.status).toBe(200);
    // A heartbeat without the field drops the stored nonsense rather than keeping it.
    expect((await heartbeat(loop.standby, S)).status).toBe(200);
    expect(
      await rows(
        "SELECT replicated_at FROM nodes WHERE site_id = ?1 AND role = 'standby'",
        loop.site.id,
      ),
    ).toEqual([{ replicated_at: null }]);
  });
});

describe("one site's failure", () => {
  it("neither stops another site's failover nor fails the run; it is notified once", async () => {
    await resetFake(cfSeed(M));
    setClock(T0 - MIN);
    const broken = await createSite("broken");
    const healthy = await createSite("healthy");
    const nodes = {
      brokenMaster: await createNode(broken.id, "b1", "master"),
      brokenStandby: await createNode(broken.id, "b2", "standby"),
      master: await createNode(healthy.id, "h1", "master"),
      standby: await createNode(healthy.id, "h2", "standby"),
    };
    await watchSite(broken.id, {
      provider: "gandi",
      zone: "example.net",
      record: "www.example.net",
    });
    await watchSite(healthy.id, { provider: "cloudflare", zone: ZONE, record: "www.example.org" });
    // Gandi's client fails (a bug, a provider that throws): only the broken site uses it.
    const base = watchdogDeps({ ...env, DNS_API_BASE: "http://dns.fake/client/v4" }, env.DB);
    const deps = {
      ...base,
      provider: (name: "cloudflare" | "gandi") => {
        if (name === "gandi") throw new Error("the Gandi client exploded");
        return base.provider(name);
      },
    };
    const failures: number[] = [];
    for (let minute = 0; minute < 12; minute++) {
      const t = T0 + minute * MIN;
      setClock(t + 5_000);
      for (const [token, ip] of [
        [nodes.brokenMaster, M],
        [nodes.brokenStandby, S],
        [nodes.standby, S],
        ...(minute < 5 ? [[nodes.master, M]] : []),
      ])
        expect((await heartbeat(token, ip)).status).toBe(200);
      failures.push(await runWatchdog(deps, t + MIN));
    }
    // The broken site fails at every tick that drains its DNS change (a claim holds it a minute).
    expect(failures.every((n) => n <= 1)).toBe(true);
    expect(failures.filter((n) => n === 1).length).toBeGreaterThan(2);
    expect(
      (
        await rows<{ state: string }>(
          "SELECT state FROM watchdog_state WHERE site_id = ?1",
          healthy.id,
        )
      )[0].state,
    ).toBe("STANDBY_ACTIVE");
    const titles = (await fake("state")).webhook.map((w) => w.body.title);
    expect(titles.filter((t) => t === "broken: watchdog could not decide")).toHaveLength(1);
    expect(
      (await fake("state")).webhook.find(
        (w) => w.body.title === "broken: watchdog could not decide",
      )?.body.text,
    ).toMatch(/^The watchdog could not decide for site broken: the Gandi client exploded\./);
  });
});

describe("DEV_CLIENT_IP_HEADER: a local try's client address", () => {
  async function send(vars: Partial<Cloudflare.Env>, token: string): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("http://vigie.test/api/v1/heartbeat", {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "cf-connecting-ip": "127.0.0.1",
          "x-vigie-client-ip": M,
        },
      }),
      { ...env, ...vars },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  it('with the var at "1", X-Vigie-Client-IP replaces CF-Connecting-IP', async () => {
    const site = await createSite("dev-ip-on");
    const token = await createNode(site.id, "box1", "master");
    expect((await send({ DEV_CLIENT_IP_HEADER: "1" }, token)).status).toBe(200);
    expect(await rows("SELECT v4 FROM nodes WHERE site_id = ?1", site.id)).toEqual([{ v4: M }]);
  });

  it.each([
    ["unset", {}],
    ['"true"', { DEV_CLIENT_IP_HEADER: "true" }],
    ['"0"', { DEV_CLIENT_IP_HEADER: "0" }],
  ])("with the var %s, the header is ignored (127.0.0.1: 422)", async (_, vars) => {
    const site = await createSite(`dev-ip-off-${Math.random().toString(36).slice(2, 8)}`);
    const token = await createNode(site.id, "box1", "master");
    const res = await send(vars, token);
    expect(res.status).toBe(422);
    expect(await rows("SELECT v4 FROM nodes WHERE site_id = ?1", site.id)).toEqual([{ v4: null }]);
  });
});
