import type { Context } from "hono";
import type { AppEnv } from "../app";

/**
 * Whether a state-changing request (login, logout, a watchdog button) comes from this site's own
 * pages. Browsers say so with `Sec-Fetch-Site` (Fetch Metadata) and, on every POST, `Origin`: a
 * cross-site form or script carries `cross-site` / another origin (or `null`) and is refused. A
 * request with neither header is not a browser's (curl, the agent) and cannot ride a visitor's
 * cookie, so it passes.
 */
export function sameOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin") return false;
  const origin = c.req.header("origin");
  return origin === undefined || origin === new URL(c.req.url).origin;
}
