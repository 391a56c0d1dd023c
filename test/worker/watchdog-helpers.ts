import {
  createExecutionContext,
  createScheduledController,
  env,
  SELF,
  waitOnExecutionContext,
} from "cloudflare:test";
import { expect, vi } from "vitest";
import { hashToken, newToken } from "../../worker/auth/tokens";
import worker from "../../worker/index";
import type { Call, Seed } from "../fakes/dns-providers";
import type { TestSite } from "./helpers";
import { createSite } from "./helpers";
import { translator } from "../../worker/i18n/translator";
import { translateReason } from "../../worker/views/watchdog-reasons";

/** Creates a node straight in D1, as `npm run site -- node` does; returns its token. */
export async function createNode(
  siteId: number,
  node: string,
  role: "master" | "standby",
): Promise<string> {
  const token = newToken("node");
  await env.DB.prepare(
    "INSERT INTO nodes (site_id, node, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
  )
    .bind(siteId, node, role, await hashToken(token), Date.now())
    .run();
  return token;
}

export interface WatchOptions {
  provider: "cloudflare" | "gandi";
  zone: string;
  record: string;
  type?: "A" | "AAAA";
  lease?: number;
  failback?: "manual" | "auto";
}

/** Sets a site's watchdog straight in D1, as `npm run site -- watch` does. */
export async function watchSite(siteId: number, o: WatchOptions): Promise<void> {
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO watch_config (site_id, provider, zone, record, type, lease_seconds, failback) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    ).bind(
      siteId,
      o.provider,
      o.zone,
      o.record,
      o.type ?? "A",
      o.lease ?? 180,
      o.failback ?? "manual",
    ),
    env.DB.prepare("INSERT INTO watchdog_state (site_id, since) VALUES (?1, ?2)").bind(
      siteId,
      Date.now(),
    ),
  ]);
}

/** The worker's clock (heartbeats use Date.now()): fake `Date` only, so timers and I/O run as usual. */
export function setClock(ms: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(ms);
}

export async function heartbeat(
  token: string,
  ip: string | null,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
  };
  if (ip !== null) headers["cf-connecting-ip"] = ip;
  return SELF.fetch("http://vigie.test/api/v1/heartbeat", {
    method: "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Runs the worker's scheduled() handler as the cron would, at `scheduledTime`, and waits for its work. */
export async function tick(
  scheduledTime: number,
  overrides: Partial<Cloudflare.Env> = {},
): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: "* * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
}

export interface FakeState {
  calls: Call[];
  webhook: { path: string; body: { text: string; title: string; priority: number } }[];
  cloudflare: Record<
    string,
    {
      id: string;
      name: string;
      type: string;
      content: string;
      ttl: number;
      comment: string | null;
    }[]
  >;
  gandi: Record<string, Record<string, { ttl: number; values: string[] }>>;
}

/** Talks to the fake providers' control endpoint (test/fakes/dns-providers.ts). */
export async function fake(
  op: "reset" | "state" | "inject" | "lie" | "token",
  body?: object,
): Promise<FakeState> {
  const res = await fetch(
    `http://dns.fake/__fake/${op}`,
    body ? { method: "POST", body: JSON.stringify(body) } : {},
  );
  if (!res.ok) throw new Error(`fake ${op}: ${res.status} ${await res.text()}`);
  return res.json();
}

export const resetFake = (seed: Seed) => fake("reset", seed);

/** The provider writes (PATCH/POST/PUT) the fake received. */
export const writes = (s: FakeState, provider: "cloudflare" | "gandi") =>
  s.calls.filter((c) => c.provider === provider && c.method !== "GET");

export async function watchdogStatus(site: string, token: string) {
  const res = await SELF.fetch(`http://vigie.test/api/v1/sites/${site}/watchdog`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export async function command(site: string, name: string, token: string | null): Promise<Response> {
  return SELF.fetch(`http://vigie.test/api/v1/sites/${site}/watchdog/${name}`, {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

export async function rows<T = Record<string, unknown>>(
  sql: string,
  ...params: unknown[]
): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

export const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
export const MIN = 60_000;
export const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
export const M = "81.2.69.142";
export const S = "81.2.69.160";
export const M6 = "2a01:e0a:1f2:3c40::10";
export const S6 = "2a01:e0a:1f2:3c41::20";

/**
 * Every tick runs every watched site of the file's database: a test's sites stop being watched
 * when it ends (use as `afterEach(unwatchAll)`).
 */
export async function unwatchAll(): Promise<void> {
  vi.useRealTimers();
  const reasons = await storedReasons();
  await env.DB.batch([
    env.DB.prepare("DELETE FROM watch_config"),
    env.DB.prepare("DELETE FROM watchdog_state"),
  ]);
  expectTranslated(reasons);
}

/** A watched site with a master and a standby, driven minute by minute. */
export class Loop {
  minute = 0;
  constructor(
    readonly site: TestSite,
    readonly master: string,
    readonly standby: string,
    readonly overrides: Partial<Cloudflare.Env> = {},
  ) {}

  static async create(
    name: string,
    watch: WatchOptions,
    overrides: Partial<Cloudflare.Env> = {},
  ): Promise<Loop> {
    setClock(T0 - MIN);
    const site = await createSite(name);
    const loop = new Loop(
      site,
      await createNode(site.id, "box1", "master"),
      await createNode(site.id, "box2", "standby"),
      overrides,
    );
    await watchSite(site.id, watch);
    return loop;
  }

  /** Minutes [from, to): heartbeats 5 s into the minute from the nodes given an address, then the tick at the minute's end. */
  async run(
    to: number,
    ips: { master?: string | null; standby?: string | null },
    standbyBody: (t: number) => object = (t) => ({
      replicatedAt: new Date(t - 10 * MIN).toISOString(),
    }),
  ): Promise<void> {
    for (; this.minute < to; this.minute++) {
      const t = T0 + this.minute * MIN;
      setClock(t + 5_000);
      if (ips.master) expect((await heartbeat(this.master, ips.master)).status).toBe(200);
      if (ips.standby)
        expect((await heartbeat(this.standby, ips.standby, standbyBody(t))).status).toBe(200);
      await tick(t + MIN, this.overrides);
    }
  }

  /** The scheduledTime of the last tick run. */
  get lastTick(): number {
    return T0 + this.minute * MIN;
  }

  async transitions(): Promise<string[]> {
    return (
      await rows<{ f: string; t: string }>(
        "SELECT from_state AS f, to_state AS t FROM transitions WHERE site_id = ?1 ORDER BY id",
        this.site.id,
      )
    ).map((r) => `${r.f}→${r.t}`);
  }

  async state(): Promise<{ state: string; epoch: number; active: string }> {
    return (
      await rows<{ state: string; epoch: number; active: string }>(
        "SELECT state, epoch, active FROM watchdog_state WHERE site_id = ?1",
        this.site.id,
      )
    )[0];
  }
}

/** The fake Cloudflare zone holding www.example.org A `content`. */
export const cfSeed = (content: string) => ({
  cloudflare: {
    zones: {
      [ZONE]: { name: "example.org", records: [{ name: "www.example.org", type: "A", content }] },
    },
  },
});

/** The reasons the watchdog stored: its transitions', and a hold's. */
async function storedReasons(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT reason FROM transitions
     UNION SELECT hold_reason FROM watchdog_state WHERE hold_reason IS NOT NULL`,
  ).all<{ reason: string }>();
  return results.map((r) => r.reason);
}

/**
 * Each reads back through the pages' templates (worker/views/watchdog-reasons.ts): in English as
 * stored, in French with no English template left.
 */
export function expectTranslated(reasons: string[]): void {
  const en = translator("en");
  const fr = translator("fr");
  for (const reason of reasons) {
    // English: the stored text, but with no-break spaces between a number and its unit.
    expect(translateReason(en, reason)?.replaceAll("\u00a0", " "), reason).toBe(reason);
    const french = translateReason(fr, reason);
    expect(french, reason).not.toBeNull();
    expect(french, reason).not.toBe(reason);
  }
}
