import { env, SELF } from "cloudflare:test";
import { gzip } from "pako";
import { hashToken, newToken } from "../../worker/auth/tokens";
import { KEY_ALPHABET } from "../../worker/core/partial";
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
  opts: { config?: object; public?: boolean; secret?: string; db?: D1Database } = {},
): Promise<TestSite> {
  const agentToken = newToken("agent");
  const readToken = newToken("read");
  // An empty secret gets a random one (a trigger); two sites given the same one key their
  // visitors alike, so that their visitor sets and sketches compare.
  const row = await (opts.db ?? env.DB)
    .prepare(
      "INSERT INTO sites (name, agent_token_hash, read_token_hash, public, config, secret) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
    )
    .bind(
      name,
      await hashToken(agentToken),
      await hashToken(readToken),
      opts.public ? 1 : 0,
      JSON.stringify(opts.config ?? {}),
      opts.secret ?? "",
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

/** Every row of every panel (heads and tails), as `period, panel, key, hits, pages, bytes, max`. */
export const PANEL_ROWS_SQL = `SELECT * FROM (
  SELECT h.site_id, h.period, h.panel, j.value ->> 0 AS key, j.value ->> 1 AS hits, j.value ->> 2 AS pages,
    j.value ->> 3 AS bytes, j.value ->> 4 AS max FROM panel_heads AS h, json_each(h.rows) AS j
  UNION ALL
  SELECT site_id, period, panel, key, hits, pages, bytes, max FROM panel_tails)`;

/** How many visitors of each month's set have each number of human days (a site's ?1). */
export const MONTH_SET_SQL = `SELECT b.month AS month, v.value AS days, count(*) AS n
  FROM month_buckets AS b, json_each(b.human_days) AS v WHERE b.site_id = ?1 GROUP BY b.month, v.value`;

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
      `SELECT period, panel, key, hits, pages, bytes, max FROM (${PANEL_ROWS_SQL}) WHERE site_id = ?1 ORDER BY period, panel, key`,
    ),
    panelTotals: await q(
      "SELECT period, panel, n, hits, pages, bytes FROM panel_heads WHERE site_id = ?1 ORDER BY period, panel",
    ),
    // Visitor keys are keyed with each site's own secret (privacy), so records compare without them.
    visitorDays: await q(
      "SELECT b.date, v.value AS record FROM day_buckets AS b, json_each(b.visitor_days) AS a, json_each(a.value) AS v WHERE b.site_id = ?1 ORDER BY b.date, record",
    ),
    visitorMonths: await q(`${MONTH_SET_SQL} ORDER BY month, days`),
    years: await q("SELECT year, days FROM year_figures WHERE site_id = ?1 ORDER BY year"),
    sketches: await q("SELECT month, registers FROM sketches WHERE site_id = ?1 ORDER BY month"),
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

/**
 * A month bucket's hosts (JSON, from host key to [hits, pages, bytes]) as written before migration
 * 0008: the key, then hits, pages and bytes as 5, 5 and 8 key characters.
 */
export function oldHosts(json: string): string {
  const digits = (n: number, width: number) => {
    let out = "";
    for (let i = 0; i < width; i++) {
      out = KEY_ALPHABET[n % 64] + out;
      n = Math.floor(n / 64);
    }
    return out;
  };
  return Object.entries(JSON.parse(json) as Record<string, number[]>)
    .map(([k, [h, p, b]]) => k + digits(h, 5) + digits(p, 5) + digits(b, 8))
    .join("");
}

/**
 * A month bucket's visitors (JSON, from visitor key to human days) as written before migration
 * 0010: the key, then the human days as one key character.
 */
export function oldEntries(json: string): string {
  return Object.entries(JSON.parse(json) as Record<string, number>)
    .map(([k, days]) => k + KEY_ALPHABET[days])
    .join("");
}

/** A day bucket (by address key, then visitor key) as written before migration 0009. */
export function oldRecords(json: string): string {
  const out: Record<string, string> = {};
  for (const [addr, days] of Object.entries(JSON.parse(json) as Record<string, object>))
    for (const [visitor, r] of Object.entries(days)) out[addr + visitor] = JSON.stringify(r);
  return JSON.stringify(out);
}
