import type { Context } from "hono";
import type { AppEnv } from "../app";

/**
 * Whether a state-changing request (login, logout, a watchdog button) comes from this site's own
 * pages. Browsers say so with `Sec-Fetch-Site` (Fetch Metadata), which decides when present: a
 * cross-site form or script carries `cross-site` or `same-site`. `Origin` is the fallback for
 * browsers without it; it cannot come first, because the pages' `Referrer-Policy: no-referrer`
 * makes browsers send `Origin: null` on every form POST, same-origin ones included (Fetch,
 * "serializing a request origin"), and a proxy in front may change the URL the worker sees. A
 * request with neither header is not a browser's (curl, the agent) and cannot ride a visitor's
 * cookie, so it passes.
 */
export function sameOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin";
  const origin = c.req.header("origin");
  return origin === undefined || origin === new URL(c.req.url).origin;
}
