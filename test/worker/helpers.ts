import { env, SELF } from "cloudflare:test";
import { gzip } from "pako";
import { hashToken, newToken } from "../../worker/auth/tokens";
import { feedHostsSettled } from "../../worker/ingest/resolve-feed-hosts";

export interface TestSite {
  id: number;
  name: string;
  agentToken: string;
  readToken: string;
}

/** Creates a site straight in D1, as `npm run site -- add` does. */
export async function createSite(
  name: string,
  opts: { config?: object; public?: boolean } = {},
): Promise<TestSite> {
  const agentToken = newToken("agent");
  const readToken = newToken("read");
  const row = await env.DB.prepare(
    "INSERT INTO sites (name, agent_token_hash, read_token_hash, public, config) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
  )
    .bind(
      name,
      await hashToken(agentToken),
      await hashToken(readToken),
      opts.public ? 1 : 0,
      JSON.stringify(opts.config ?? {}),
    )
    .first<{ id: number }>();
  return { id: row!.id, name, agentToken, readToken };
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

export interface Upload {
  source?: string;
  start: number;
  end: number;
  body: Uint8Array;
  token?: string;
  sha?: string;
  query?: string;
  site?: string;
}

/** POSTs one chunk to /api/v1/ingest through the worker's real fetch handler. */
export async function upload(site: TestSite, u: Upload): Promise<Response> {
  const q = new URLSearchParams({
    site: u.site ?? site.name,
    source: u.source ?? "access.log",
    start: String(u.start),
    end: String(u.end),
  });
  return SELF.fetch(`http://vigie.test/api/v1/ingest?${q}${u.query ?? ""}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${u.token ?? site.agentToken}`,
      "content-type": "application/gzip",
      "x-content-sha256": u.sha ?? (await sha256Hex(u.body)),
    },
    body: u.body,
  });
}

/** Uploads bytes [start, end) of `log` (gzip, correct checksum). */
export async function uploadRange(
  site: TestSite,
  log: Uint8Array,
  start: number,
  end: number,
  extra: Partial<Upload> = {},
): Promise<Response> {
  return upload(site, { start, end, body: gzip(log.subarray(start, end)), ...extra });
}

/** Byte offsets of every line start, plus the end: chunk boundaries may only fall on these. */
export function lineStarts(log: Uint8Array): number[] {
  const out = [0];
  for (let i = 0; i < log.length; i++) if (log[i] === 10 && i + 1 < log.length) out.push(i + 1);
  out.push(log.length);
  return out;
}

/** Every stored figure of a site (run bookkeeping aside), in a stable order. */
export async function storedFigures(siteId: number) {
  const q = (sql: string) =>
    env.DB.prepare(sql)
      .bind(siteId)
      .all()
      .then((r) => r.results);
  return {
    months: await q(
      "SELECT month, hits, pages, bytes, visits, visitors, robot_hits, rejected, lines FROM months WHERE site_id = ?1 ORDER BY month",
    ),
    days: await q(
      "SELECT date, hits, pages, bytes, visits, visitors, robot_hits FROM days WHERE site_id = ?1 ORDER BY date",
    ),
    hours: await q(
      "SELECT month, hour, hits, pages, bytes, robot_hits, visitors, visits FROM hours WHERE site_id = ?1 ORDER BY month, hour",
    ),
    panels: await q(
      "SELECT month, panel, key, hits, pages, bytes, max FROM panel_rows WHERE site_id = ?1 AND hits > 0 ORDER BY month, panel, key",
    ),
    // Visitor keys are keyed with each site's own secret (privacy), so records compare without them.
    visitorDays: await q(
      "SELECT date, counters, spans FROM visitor_days WHERE site_id = ?1 ORDER BY date, counters, spans",
    ),
    visitorMonths: await q(
      "SELECT month, human_days, count(*) AS n FROM visitor_months WHERE site_id = ?1 AND human_days > 0 GROUP BY month, human_days ORDER BY month, human_days",
    ),
    watched: await q(
      "SELECT month, at, address, agent, method, url, status, bytes, referer FROM watched_hits WHERE site_id = ?1 ORDER BY month, at, address, url",
    ),
  };
}

/**
 * The whole database, every table, for "nothing was written" checks. It first waits for the feed
 * hosts' names that earlier uploads resolve in the background (waitUntil): they landed between a
 * test's two dumps now and then, and failed it.
 */
export async function dumpDatabase(): Promise<Record<string, unknown[]>> {
  await feedHostsSettled();
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name",
  ).all<{ name: string }>();
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables.results)
    out[name] = (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results;
  return out;
}
