import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../app";
import type { Site } from "../db/queries/find-site";
import { siteDb } from "../db/databases";
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

/**
 * Whether `token` is the one whose hash is `hash`. With no site (an unknown name) the token is
 * still hashed and compared, so that an unknown site costs what a wrong token does.
 */
async function tokenMatches(token: string | null, hash: string | undefined): Promise<boolean> {
  if (token === null || token === "") return false;
  const digest = await hashToken(token);
  return sameDigest(digest, hash ?? "0".repeat(digest.length)) && hash !== undefined;
}

/** Whether `token` is the site's read token (the login form's check). */
export const isReadToken = (site: Site | undefined, token: string | null) =>
  tokenMatches(token, site?.readTokenHash);

/**
 * The site whose agent token the request bears. An unknown site is answered exactly like a wrong
 * token (401, same body): the answers never tell which site names exist.
 */
export async function requireAgent(c: Context<AppEnv>, name: string): Promise<Site> {
  const token = bearerToken(c);
  const site = await findSite(siteDb(c.env, name), name);
  const ok = await tokenMatches(token, site?.agentTokenHash);
  if (!token) throw new ApiError("unauthorized", "missing Authorization: Bearer <agent token>");
  if (!site || !ok) throw new ApiError("unauthorized", "wrong agent token for this site");
  return site;
}

/** Whether the request may read the site's reports: a public site, or its read token (bearer or the login cookie). */
export async function canRead(c: Context<AppEnv>, site: Site): Promise<boolean> {
  if (site.public) return true;
  return holdsReadToken(c, site, true);
}

/**
 * The site when the request may read it; null for an unknown site and for a private one without
 * its read token alike (the pages answer both with the same login form).
 */
export async function readableSite(c: Context<AppEnv>, name: string): Promise<Site | null> {
  const site = await findSite(siteDb(c.env, name), name);
  if (site) return (await canRead(c, site)) ? site : null;
  await tokenMatches(bearerToken(c) ?? getCookie(c, readCookieName(name)) ?? null, undefined);
  return null;
}

export async function requireReader(c: Context<AppEnv>, name: string): Promise<Site> {
  const site = await readableSite(c, name);
  if (!site) throw new ApiError("unauthorized", "this site's reports need its read token");
  return site;
}

/**
 * The site whose read token the request bears as `Authorization: Bearer`, public site or not, and
 * never through the cookie: for actions (watchdog commands), which a cross-site form must not trigger.
 */
export async function requireReadToken(c: Context<AppEnv>, name: string): Promise<Site> {
  const site = await findSite(siteDb(c.env, name), name);
  const ok = await tokenMatches(bearerToken(c), site?.readTokenHash);
  if (!site || !ok)
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
  return tokenMatches(token, site.readTokenHash);
}
