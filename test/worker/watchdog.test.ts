import { SELF } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { rawEmail } from "../../worker/watchdog/email";
import { createSite, dumpDatabase } from "./helpers";
import {
  cfSeed,
  command,
  createNode,
  fake,
  heartbeat,
  Loop,
  M,
  M6,
  MIN,
  resetFake,
  rows,
  S,
  S6,
  setClock,
  T0,
  tick,
  unwatchAll,
  watchdogStatus,
  writes,
  ZONE,
} from "./watchdog-helpers";

// The whole watchdog loop inside workerd on real local D1: heartbeats through the worker's fetch
// handler with CF-Connecting-IP, cron ticks through its scheduled handler, DNS writes to the fake
// Cloudflare and Gandi APIs (test/fakes/dns-providers.ts), notifications to the fake webhook.

// Every tick runs every watched site of this file's database: a test's sites stop being watched when it ends.
afterEach(unwatchAll);

describe("POST /api/v1/heartbeat", () => {
  it.each([
    ["10.1.2.3", "private"],
    ["172.20.0.5", "private"],
    ["192.168.1.10", "private"],
    ["100.64.12.1", "CGNAT"],
    ["127.0.0.1", "loopback"],
    ["169.254.3.4", "link-local"],
    ["203.0.113.9", "documentation"],
    ["fe80::1", "link-local"],
    ["fd12:3456::1", "unique local"],
    ["::1", "loopback"],
    ["2001:db8::5", "documentation"],
  ])("refuses %s (%s) with 422 and records nothing", async (ip, what) => {
    const site = await createSite(`hb-422-${ip.replace(/[^0-9a-f]/g, "")}`);
    const token = await createNode(site.id, "box1", "master");
    const res = await heartbeat(token, ip);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unprocessable");
    expect(body.error.message).toContain(what);
    expect(await rows("SELECT last_seen, v4, v6 FROM nodes WHERE site_id = ?1", site.id)).toEqual([
      { last_seen: null, v4: null, v6: null },
    ]);
  });

  it("refuses bad requests with the right codes", async () => {
    const site = await createSite("hb-bad");
    const token = await createNode(site.id, "box1", "master");
    const code = async (r: Promise<Response>) => {
      const res = await r;
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    expect(await code(heartbeat("vgn_nope", M))).toEqual([401, "unauthorized"]);
    expect(await code(heartbeat(site.readToken, M))).toEqual([401, "unauthorized"]);
    expect(await code(heartbeat(site.agentToken, M))).toEqual([401, "unauthorized"]);
    expect(await code(heartbeat(token, null))).toEqual([400, "bad_request"]);
    expect(await code(heartbeat(token, "not-an-ip"))).toEqual([400, "bad_request"]);
    expect(await code(heartbeat(token, M, { uptime: "long" }))).toEqual([400, "bad_request"]);
    expect(await code(heartbeat(token, M, [1, 2]))).toEqual([400, "bad_request"]);
  });

  it("tracks IPv4 and IPv6 apart, takes the worker's clock, keeps what the agent says", async () => {
    const site = await createSite("hb-families");
    const token = await createNode(site.id, "box1", "master");
    setClock(T0);
    const first = await heartbeat(token, M, { version: "0.1.0", uptime: 3600, load: 0.25 });
    expect(first.status).toBe(200);
    // Not watched yet: the master is the active node, nothing points anywhere.
    expect(await first.json()).toEqual({
      epoch: 0,
      state: "UNWATCHED",
      active: "box1",
      masterAddress: M,
      record: null,
    });
    setClock(T0 + 30_000);
    expect((await heartbeat(token, "2A01:0E0A:01F2:3C40:0000:0000:0000:0010")).status).toBe(200);
    expect(
      await rows(
        "SELECT last_seen, v4, v4_seen_at, v6, v6_seen_at, version, uptime, load FROM nodes WHERE site_id = ?1",
        site.id,
      ),
    ).toEqual([
      {
        last_seen: T0 + 30_000,
        v4: M,
        v4_seen_at: T0,
        v6: M6,
        v6_seen_at: T0 + 30_000,
        version: "0.1.0",
        uptime: 3600,
        load: 0.25,
      },
    ]);
  });
});

describe("the watchdog loop", () => {
  it("Cloudflare: master dies → failover after the thresholds (one PATCH); master back → manual failback", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("cf-loop", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(5, { master: M, standby: S });
    // The first tick found the record already right: read, no write.
    let f = await fake("state");
    expect(writes(f, "cloudflare")).toEqual([]);
    expect(
      await rows(
        "SELECT kind, desired, status, outcome FROM dns_changes WHERE site_id = ?1",
        loop.site.id,
      ),
    ).toEqual([{ kind: "initial", desired: M, status: "done", outcome: "already-right" }]);

    // The master's last heartbeat is at 4:05. Lease 3 min: suspect at the 8:00 tick, failover at the 3rd silent tick.
    await loop.run(8, { standby: S });
    expect(await loop.state()).toMatchObject({ state: "MASTER_SUSPECT", epoch: 1 });
    await loop.run(10, { standby: S });
    expect(await loop.state()).toEqual({ state: "STANDBY_ACTIVE", epoch: 2, active: "standby" });
    f = await fake("state");
    expect(writes(f, "cloudflare")).toMatchObject([
      {
        method: "PATCH",
        path: `/client/v4/zones/${ZONE}/dns_records/${f.cloudflare[ZONE][0].id}`,
        body: { content: S, ttl: 60 },
        auth: "Bearer test-dns-token",
        status: 200,
      },
    ]);
    expect(f.cloudflare[ZONE][0]).toMatchObject({
      name: "www.example.org",
      type: "A",
      content: S,
      ttl: 60,
    });

    // A repeated tick (same scheduledTime) changes nothing at all.
    const before = await dumpDatabase();
    await tick(loop.lastTick);
    expect(await dumpDatabase()).toEqual(before);

    // The standby learns its role from its heartbeat's reply.
    setClock(loop.lastTick + 5_000);
    expect(await (await heartbeat(loop.standby, S)).json()).toEqual({
      epoch: 2,
      state: "STANDBY_ACTIVE",
      active: "box2",
      masterAddress: M,
      record: { name: "www.example.org", type: "A", content: S },
    });

    // The master comes back: MASTER_RECOVERING, and nothing more while failback is manual.
    await loop.run(30, { master: M, standby: S });
    expect(await loop.state()).toMatchObject({ state: "MASTER_RECOVERING", epoch: 2 });
    expect(writes(await fake("state"), "cloudflare")).toHaveLength(1);

    // The owner's failback: the read token only, and only when it applies.
    expect((await command("cf-loop", "failback", null)).status).toBe(401);
    expect((await command("cf-loop", "failback", loop.site.agentToken)).status).toBe(401);
    expect((await command("cf-loop", "teleport", loop.site.readToken)).status).toBe(404);
    expect((await command("cf-loop", "release", loop.site.readToken)).status).toBe(409);
    setClock(loop.lastTick + 10_000);
    const fb = await command("cf-loop", "failback", loop.site.readToken);
    expect(fb.status).toBe(200);
    expect(await fb.json()).toMatchObject({
      command: "failback",
      state: "FAILING_BACK",
      epoch: 3,
      active: "box1",
    });
    await loop.run(31, { master: M, standby: S });
    expect(await loop.state()).toEqual({ state: "MASTER_ACTIVE", epoch: 3, active: "master" });
    f = await fake("state");
    expect(writes(f, "cloudflare").map((c) => (c.body as { content: string }).content)).toEqual([
      S,
      M,
    ]);

    // Every transition audited, and announced exactly once.
    const path = [
      "MASTER_ACTIVE→MASTER_SUSPECT",
      "MASTER_SUSPECT→FAILING_OVER",
      "FAILING_OVER→STANDBY_ACTIVE",
      "STANDBY_ACTIVE→MASTER_RECOVERING",
      "MASTER_RECOVERING→FAILING_BACK",
      "FAILING_BACK→MASTER_ACTIVE",
    ];
    expect(await loop.transitions()).toEqual(path);
    expect(f.webhook.map((w) => w.body.title)).toEqual([
      "cf-loop: Master server silent",
      "cf-loop: Failing over to the standby",
      "cf-loop: Fallback server activated (epoch 2)",
      "cf-loop: Master server back",
      "cf-loop: Failing back to the master",
      "cf-loop: Master server active",
    ]);
    expect(
      f.webhook.every(
        (w) => w.path === "/vigie" && typeof w.body.text === "string" && w.body.priority >= 1,
      ),
    ).toBe(true);
    expect(f.webhook[1].body).toMatchObject({ priority: 5 });
    expect(f.webhook[1].body.text).toMatch(
      /now points at box2 \(81\.2\.69\.160\), epoch 2\. The standby's copy of the data is 11 min old/,
    );

    // The status route (DESIGN.md, public contract).
    expect((await watchdogStatus("cf-loop", "vgr_wrong")).status).toBe(401);
    const st = await watchdogStatus("cf-loop", loop.site.readToken);
    expect(st.status).toBe(200);
    expect(st.body).toMatchObject({
      state: "MASTER_ACTIVE",
      epoch: 3,
      active: "box1",
      nodes: [
        {
          node: "box1",
          role: "master",
          address: M,
          lastSeen: new Date(T0 + 30 * MIN + 5_000).toISOString(),
        },
        { node: "box2", role: "standby", address: S },
      ],
      record: { name: "www.example.org", type: "A", content: M },
    });
    expect(st.body.events.map((e: { from: string; to: string }) => `${e.from}→${e.to}`)).toEqual(
      path,
    );
    expect(st.body.events[1]).toMatchObject({
      at: new Date(T0 + 10 * MIN).toISOString(),
      reason: expect.stringContaining("box1 silent for"),
    });
  });

  it("Gandi, AAAA: the token expires during a failover → 401 kept, alert, state unchanged; retried once the token works", async () => {
    const seed = {
      gandi: {
        domains: {
          "example.net": {
            "home/AAAA": { ttl: 300, values: [M6] },
            "home/A": { ttl: 300, values: [M] },
          },
        },
      },
    };
    await resetFake(seed);
    // DNS_API_BASE unset: the worker calls https://api.gandi.net/v5/livedns itself, which the fake answers.
    const loop = await Loop.create(
      "gandi-loop",
      { provider: "gandi", zone: "example.net", record: "home.example.net", type: "AAAA" },
      { DNS_API_BASE: "" },
    );
    await loop.run(5, { master: M6, standby: S6 });
    await loop.run(7, { master: M, standby: S6 }); // IPv4 heartbeats keep the master alive; the AAAA record follows IPv6.
    await fake("token", { provider: "gandi", token: "rotated-pat" });
    await loop.run(12, { standby: S6 });
    expect(await loop.state()).toMatchObject({ state: "FAILING_OVER", epoch: 2 });
    const failed = await rows<{
      attempts: number;
      response_status: number;
      response_body: string;
      status: string;
    }>(
      "SELECT attempts, response_status, response_body, status FROM dns_changes WHERE site_id = ?1 AND kind = 'failover'",
      loop.site.id,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 1, response_status: 401, status: "pending" });
    expect(
      JSON.parse(failed[0].response_body.slice(failed[0].response_body.indexOf("\n") + 1)),
    ).toEqual({
      code: 401,
      message: "The server could not verify that you are authorized to access the URL requested.",
      object: "HTTPUnauthorized",
      cause: "Unauthorized",
    });
    let f = await fake("state");
    expect(f.webhook.map((w) => w.body.title)).toContain("gandi-loop: DNS update failing");
    expect(
      f.webhook.find((w) => w.body.title === "gandi-loop: DNS update failing")!.body.text,
    ).toMatch(/Check the DNS_TOKEN secret/);
    expect(f.gandi["example.net"]["home/AAAA"].values).toEqual([M6]);

    await fake("token", { provider: "gandi", token: "test-dns-token" });
    await loop.run(14, { standby: S6 });
    expect(await loop.state()).toMatchObject({ state: "STANDBY_ACTIVE", epoch: 2 });
    f = await fake("state");
    expect(f.gandi["example.net"]["home/AAAA"]).toEqual({ ttl: 300, values: [S6] });
    expect(f.gandi["example.net"]["home/A"].values).toEqual([M]);
    // The refused attempt stopped at its first read (a GET answered 401); the retry read, wrote once, read back.
    expect(
      new Set(
        f.calls.filter((c) => c.provider === "gandi" && c.status === 401).map((c) => c.method),
      ),
    ).toEqual(new Set(["GET"]));
    expect(writes(f, "gandi")).toMatchObject([
      {
        method: "PUT",
        status: 201,
        path: "/v5/livedns/domains/example.net/records/home/AAAA",
        body: { rrset_values: [S6], rrset_ttl: 300 },
        auth: "Bearer test-dns-token",
      },
    ]);
  });

  it("a 429 with Retry-After: the failover waits the time asked, then completes", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("cf-429", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(5, { master: M, standby: S });
    await fake("inject", {
      provider: "cloudflare",
      method: "PATCH",
      status: 429,
      retryAfter: "150",
    });
    await loop.run(10, { standby: S });
    expect(await loop.state()).toMatchObject({ state: "FAILING_OVER" });
    expect(
      (
        await rows(
          "SELECT response_status, next_attempt_at FROM dns_changes WHERE site_id = ?1 AND kind = 'failover'",
          loop.site.id,
        )
      )[0],
    ).toEqual({ response_status: 429, next_attempt_at: loop.lastTick + 150_000 });
    await loop.run(12, { standby: S }); // 60 s and 120 s later: not yet.
    expect(writes(await fake("state"), "cloudflare").map((c) => c.status)).toEqual([429]);
    expect(await loop.state()).toMatchObject({ state: "FAILING_OVER" });
    await loop.run(13, { standby: S }); // 180 s: past Retry-After.
    expect(writes(await fake("state"), "cloudflare").map((c) => c.status)).toEqual([429, 200]);
    expect(await loop.state()).toMatchObject({ state: "STANDBY_ACTIVE", epoch: 2 });
  });

  it("dynamic DNS: a new master address updates the record once; the standby is told", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("cf-ddns", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(3, { master: M, standby: S });
    const moved = "81.2.69.201";
    await loop.run(15, { master: moved, standby: S });
    const f = await fake("state");
    expect(
      writes(f, "cloudflare").map((c) => [c.method, (c.body as { content: string }).content]),
    ).toEqual([["PATCH", moved]]);
    expect(f.cloudflare[ZONE][0].content).toBe(moved);
    expect(
      await rows(
        "SELECT kind, expected_old, desired, outcome FROM dns_changes WHERE site_id = ?1 AND kind = 'address'",
        loop.site.id,
      ),
    ).toEqual([{ kind: "address", expected_old: M, desired: moved, outcome: "written" }]);
    setClock(loop.lastTick + 5_000);
    expect(await (await heartbeat(loop.standby, S)).json()).toMatchObject({
      masterAddress: moved,
      state: "MASTER_ACTIVE",
      epoch: 1,
    });
    // A private address is refused and changes nothing.
    expect((await heartbeat(loop.master, "192.168.1.20")).status).toBe(422);
    await loop.run(20, { master: moved, standby: S });
    expect(writes(await fake("state"), "cloudflare")).toHaveLength(1);
    expect(await loop.transitions()).toEqual([]);
  });

  it("a record edited by hand is set back (drift)", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("cf-drift", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(2, { master: M, standby: S });
    await fake("reset", cfSeed("81.2.69.99"));
    await loop.run(10, { master: M, standby: S });
    const f = await fake("state");
    expect(writes(f, "cloudflare").map((c) => (c.body as { content: string }).content)).toEqual([
      M,
    ]);
    expect(f.webhook.map((w) => w.body.title)).toEqual(["cf-drift: record changed outside Vigie"]);
  });

  it("two ticks at once, and a webhook that fails once: one transition, one write, every message sent exactly once", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("cf-race", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(5, { master: M, standby: S });
    await loop.run(9, { standby: S });
    expect(await loop.state()).toMatchObject({ state: "MASTER_SUSPECT" });
    await fake("inject", { provider: "webhook", status: 503 });
    setClock(loop.lastTick + 5_000);
    await heartbeat(loop.standby, S);
    const at = loop.lastTick + MIN;
    await Promise.all([tick(at), tick(at), tick(at)]);
    expect(await loop.transitions()).toEqual([
      "MASTER_ACTIVE→MASTER_SUSPECT",
      "MASTER_SUSPECT→FAILING_OVER",
      "FAILING_OVER→STANDBY_ACTIVE",
    ]);
    let f = await fake("state");
    expect(writes(f, "cloudflare")).toHaveLength(1);
    const hookCalls = () => f.calls.filter((c) => c.provider === "webhook");
    expect(hookCalls().map((c) => c.status)).toEqual([200, 503, 200]);
    // The failed one goes out on the next tick, once.
    loop.minute = 10;
    await loop.run(12, { standby: S });
    f = await fake("state");
    expect(hookCalls().map((c) => c.status)).toEqual([200, 503, 200, 200]);
    const titles = f.webhook.map((w) => w.body.title).sort();
    expect(titles).toEqual([
      "cf-race: Failing over to the standby",
      "cf-race: Fallback server activated (epoch 2)",
      "cf-race: Master server silent",
    ]);
    expect(
      await rows(
        "SELECT attempts, sent_at IS NOT NULL AS sent FROM notifications WHERE site_id = ?1 ORDER BY attempts",
        loop.site.id,
      ),
    ).toEqual([
      { attempts: 1, sent: 1 },
      { attempts: 1, sent: 1 },
      { attempts: 2, sent: 1 },
    ]);
  });

  it("the status page: behind the read token, its failback button works with the login cookie, same origin only", async () => {
    await resetFake(cfSeed(M));
    const loop = await Loop.create("cf-page", {
      provider: "cloudflare",
      zone: ZONE,
      record: "www.example.org",
    });
    await loop.run(5, { master: M, standby: S });
    await loop.run(10, { standby: S });
    await loop.run(12, { master: M, standby: S });
    expect(await loop.state()).toMatchObject({ state: "MASTER_RECOVERING" });
    const url = "http://vigie.test/sites/cf-page/watchdog";
    const cookie = { cookie: `vigie_read_cf-page=${loop.site.readToken}` };
    const anonymous = await SELF.fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('action="/sites/cf-page/login"');
    const res = await SELF.fetch(url, { headers: cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of [
      "MASTER_RECOVERING",
      "epoch 2",
      "box2",
      S,
      "STANDBY_ACTIVE",
      'action="/sites/cf-page/watchdog/failback"',
      "Fail back to the master",
    ])
      expect(html).toContain(text);
    const post = (headers: Record<string, string>) =>
      SELF.fetch(`${url}/failback`, { method: "POST", headers, redirect: "manual" });
    expect((await post({ ...cookie, origin: "https://evil.example" })).status).toBe(403);
    const login = await post({});
    expect(login.status).toBe(401);
    // Logging in from a button leads back to the page, not to the command's URL.
    expect(await login.text()).toContain('name="next" value="/sites/cf-page/watchdog"');
    expect(await loop.state()).toMatchObject({ state: "MASTER_RECOVERING" });
    const done = await post({ ...cookie, origin: "http://vigie.test" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/sites/cf-page/watchdog?done=failback");
    expect(await loop.state()).toMatchObject({ state: "FAILING_BACK", epoch: 3 });
    await loop.run(13, { master: M, standby: S });
    const after = await (await SELF.fetch(url, { headers: cookie })).text();
    expect(after).toContain("MASTER_ACTIVE");
    expect(after).toContain('action="/sites/cf-page/watchdog/hold"');
  });

  it("both nodes silent: NO_STANDBY, the record is left alone; alerts by webhook and e-mail", async () => {
    await resetFake(cfSeed(M));
    const mail = { NOTIFY_EMAIL_FROM: "vigie@example.org", NOTIFY_EMAIL_TO: "owner@example.net" };
    const loop = await Loop.create(
      "cf-blind",
      { provider: "cloudflare", zone: ZONE, record: "www.example.org" },
      mail,
    );
    await loop.run(5, { master: M, standby: S });
    await loop.run(20, {});
    expect(await loop.transitions()).toEqual([
      "MASTER_ACTIVE→MASTER_SUSPECT",
      "MASTER_SUSPECT→NO_STANDBY",
    ]);
    expect(writes(await fake("state"), "cloudflare")).toEqual([]);
    const st = await watchdogStatus("cf-blind", loop.site.readToken);
    expect(st.body.state).toBe("NO_STANDBY");
    expect(st.body.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^master box1 silent for/),
        expect.stringMatching(/^standby box2 silent for/),
      ]),
    );
    // One outbox row per message and channel, each sent once (e-mail through the send_email binding).
    expect(
      await rows(
        "SELECT channel, title, sent_at IS NOT NULL AS sent, attempts, last_error FROM notifications WHERE site_id = ?1 ORDER BY created_at, channel",
        loop.site.id,
      ),
    ).toEqual(
      [
        "cf-blind: Master server silent",
        "cf-blind: Master down, standby not available: no action",
      ].flatMap((title) => [
        { channel: "email", title, sent: 1, attempts: 1, last_error: null },
        { channel: "webhook", title, sent: 1, attempts: 1, last_error: null },
      ]),
    );
  });

  it("an e-mail is a plain RFC 5322 message with an encoded subject", () => {
    const raw = rawEmail(
      "vigie@example.org",
      "owner@example.net",
      { title: "démo: Master server silent", text: "démo: box1 silent", priority: 3 },
      new Date(T0),
    );
    const [head, body] = raw.split("\r\n\r\n");
    expect(head.split("\r\n")).toEqual([
      "From: Vigie <vigie@example.org>",
      "To: owner@example.net",
      `Subject: =?UTF-8?B?${btoa("d\xc3\xa9mo: Master server silent")}?=`,
      "Date: Wed, 25 Nov 2026 12:00:00 +0000",
      expect.stringMatching(/^Message-ID: <[0-9a-f-]{36}@example\.org>$/),
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
    ]);
    expect(
      new TextDecoder().decode(Uint8Array.from(atob(body.trim()), (c) => c.charCodeAt(0))),
    ).toBe("démo: box1 silent");
  });
});
