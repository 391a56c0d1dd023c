/**
 * Where a site's data lives. One D1 database holds every site by default (the binding DB). When one
 * is not enough (a busy site's rows written or size, see README "Scaling"), a site moves to a
 * database of its own: a D1 binding of its own in wrangler.toml, named for it in the var
 * SITE_DATABASES (`{"busy-site": "DB_BUSY"}`), and created by `npm run site -- add busy-site
 * --database DB_BUSY`. Everything of the site — its row, tokens, statistics, receipts, nodes and
 * watchdog — is in that database; nothing of it in DB. Each database has the same migrations.
 */
import type { Env } from "../env";

const parsed = new WeakMap<object, Map<string, string>>();

/** The site → binding map of SITE_DATABASES (empty when unset; a bad value is a deploy error). */
function siteBindings(env: Env): Map<string, string> {
  let m = parsed.get(env);
  if (m !== undefined) return m;
  m = new Map();
  if (env.SITE_DATABASES) {
    const v = JSON.parse(env.SITE_DATABASES) as Record<string, unknown>;
    for (const [site, binding] of Object.entries(v)) {
      if (
        typeof binding !== "string" ||
        !isD1((env as unknown as Record<string, unknown>)[binding])
      )
        throw new Error(`SITE_DATABASES: ${site} names ${String(binding)}, which is no D1 binding`);
      m.set(site, binding);
    }
  }
  parsed.set(env, m);
  return m;
}

const isD1 = (v: unknown): v is D1Database =>
  typeof v === "object" && v !== null && typeof (v as D1Database).prepare === "function";

/** The database of a site (by name): its own, when SITE_DATABASES names one, else DB. */
export function siteDb(env: Env, site: string): D1Database {
  const binding = siteBindings(env).get(site);
  return binding === undefined ? env.DB : (env as unknown as Record<string, D1Database>)[binding];
}

/** Every database that holds sites: DB first, then each one SITE_DATABASES names (once each). */
export function allDbs(env: Env): D1Database[] {
  const out = [env.DB];
  for (const binding of new Set(siteBindings(env).values())) {
    const db = (env as unknown as Record<string, D1Database>)[binding];
    if (!out.includes(db)) out.push(db);
  }
  return out;
}
