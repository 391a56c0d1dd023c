import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../app";
import type { Site } from "../db/queries/find-site";
import { findSite } from "../db/queries/find-site";
import { ApiError } from "../errors";
import { hashToken } from "./tokens";

export const readCookieName = (site: string) => `vigie_read_${site}`;

export function bearerToken(c: Context<AppEnv>): string | null {
  const h = c.req.header("authorization");
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m ? m[1] : null;
}

/** Compares two hex digests without an early exit. */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function siteOr404(c: Context<AppEnv>, name: string): Promise<Site> {
  const site = await findSite(c.env.DB, name);
  if (!site) throw new ApiError("not_found", `no site named "${name}"`);
  return site;
}

/** The site whose agent token the request bears; 404 for an unknown site, 401 for any other token. */
export async function requireAgent(c: Context<AppEnv>, name: string): Promise<Site> {
  const token = bearerToken(c);
  const site = await siteOr404(c, name);
  if (!token) throw new ApiError("unauthorized", "missing Authorization: Bearer <agent token>");
  if (!sameDigest(await hashToken(token), site.agentTokenHash))
    throw new ApiError("unauthorized", "wrong agent token for this site");
  return site;
}

/** Whether the request may read the site's reports: a public site, or its read token (bearer or the login cookie). */
export async function canRead(c: Context<AppEnv>, site: Site): Promise<boolean> {
  if (site.public) return true;
  const token = bearerToken(c) ?? getCookie(c, readCookieName(site.name)) ?? null;
  return token !== null && sameDigest(await hashToken(token), site.readTokenHash);
}

export async function requireReader(c: Context<AppEnv>, name: string): Promise<Site> {
  const site = await siteOr404(c, name);
  if (!(await canRead(c, site)))
    throw new ApiError("unauthorized", "this site's reports need its read token");
  return site;
}

/**
 * The site whose read token the request bears as `Authorization: Bearer`, public site or not, and
 * never through the cookie: for actions (watchdog commands), which a cross-site form must not trigger.
 */
export async function requireReadToken(c: Context<AppEnv>, name: string): Promise<Site> {
  const site = await siteOr404(c, name);
  if (!(await holdsReadToken(c, site, false)))
    throw new ApiError(
      "unauthorized",
      "this action needs the site's read token as Authorization: Bearer",
    );
  return site;
}

/** Whether the request bears the site's read token itself (public or not): as Bearer, or also as the login cookie. */
export async function holdsReadToken(
  c: Context<AppEnv>,
  site: Site,
  cookieToo: boolean,
): Promise<boolean> {
  const token =
    bearerToken(c) ?? (cookieToo ? getCookie(c, readCookieName(site.name)) : undefined) ?? null;
  return token !== null && sameDigest(await hashToken(token), site.readTokenHash);
}
