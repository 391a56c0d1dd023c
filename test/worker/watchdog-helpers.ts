import {
  createExecutionContext,
  createScheduledController,
  env,
  SELF,
  waitOnExecutionContext,
} from "cloudflare:test";
import { vi } from "vitest";
import { hashToken, newToken } from "../../worker/auth/tokens";
import worker from "../../worker/index";
import type { Call, Seed } from "../fakes/dns-providers";

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
  op: "reset" | "state" | "inject" | "token",
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
