/**
 * HTTP details shared by the report routes (HTML and JSON): parameter parsing, cache headers with
 * a cheap ETag, and the security headers every report page carries.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../app";
import { vhostKey } from "../core/vhost";
import type { Site } from "../db/queries/find-site";
import { ApiError } from "../errors";
import type { Lang } from "../i18n/languages";
import { LANG_COOKIE, pickLang } from "../i18n/negotiate";
import { translator } from "../i18n/translator";
import { ASSETS, fnv1a } from "../views/assets";
import type { PageCtx } from "../views/page-context";

export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
export const YEAR_RE = /^\d{4}$/;

/**
 * Names the page rendering: bump the constant when a view changes (the stylesheet and the script
 * name themselves by their hash), so that ETags and the page cache drop what an older deploy rendered.
 */
export const RENDER_VERSION = `r5.${ASSETS["vigie.css"].hash}.${ASSETS["sort.js"].hash}`;

export function parseMonth(s: string | undefined): string {
  if (s === undefined || !MONTH_RE.test(s))
    throw new ApiError("bad_request", "month must be YYYY-MM");
  return s;
}

/**
 * `?vhost=`: the virtual host a month is filtered by, keyed as the vhosts panel keys it
 * (lowercased, without its port); null when absent or empty.
 */
export function vhostParam(v: string | undefined): string | null {
  if (v === undefined || v === "") return null;
  if (v.length > 1000) throw new ApiError("bad_request", "vhost is too long");
  return vhostKey(v);
}

/** A non-negative integer query parameter within [min, max], or its default when absent. */
export function intParam(
  v: string | undefined,
  name: string,
  def: number,
  min: number,
  max: number,
): number {
  if (v === undefined || v === "") return def;
  if (!/^\d{1,9}$/.test(v)) throw new ApiError("bad_request", `${name} must be an integer`);
  const n = Number(v);
  if (n < min || n > max)
    throw new ApiError("bad_request", `${name} must be between ${min} and ${max}`);
  return n;
}

/** The page's language: the switch's cookie, else Accept-Language, else English. */
export function langOf(c: Context<AppEnv>): Lang {
  return pickLang(getCookie(c, LANG_COOKIE), c.req.header("accept-language"));
}

/** What a page's shell needs: the reader's language, the page's own path, and `more`. */
export function pageCtx(
  c: Context<AppEnv>,
  more: Omit<PageCtx, "t" | "path"> & { path?: string } = {},
): PageCtx {
  const url = new URL(c.req.url);
  return { t: translator(langOf(c)), path: url.pathname + url.search, ...more };
}

/** A page's words depend on these request headers: caches must keep one copy per value. */
export const VARY_PAGE = "Authorization, Cookie, Accept-Language";

/**
 * Private caching for a short while, and an ETag that costs nothing: the site's version moves with
 * every applied chunk and import, so (version, URL, variant, day, render version) names the
 * content; the variant carries what else the page shows (its language, the logout button, the
 * watchdog's state). Answers true when the client's copy is current: the caller then sends 304
 * without touching D1 again. The day is part of it because gaps (days with no data up to
 * yesterday) move with the calendar.
 */
export function cacheable(c: Context<AppEnv>, site: Site, variant = ""): boolean {
  const url = new URL(c.req.url);
  const key = `${url.pathname}?${url.search}|${variant}|${new Date().toISOString().slice(0, 10)}|${RENDER_VERSION}`;
  const etag = `"v${site.version}-${fnv1a(key)}"`;
  c.header("ETag", etag);
  c.header("Cache-Control", "private, max-age=60, must-revalidate");
  c.header("Vary", VARY_PAGE);
  const inm = c.req.header("if-none-match");
  return inm?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag) ?? false;
}

/** 304 with the headers already set by `cacheable`. */
export const notModified = (c: Context<AppEnv>) => c.body(null, 304);

/**
 * The report pages' Content-Security-Policy: only this origin's stylesheet and script, no inline
 * script or style attribute, no plugins, no framing, forms only to this origin.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function securityHeaders(c: Context<AppEnv>): void {
  c.header("Content-Security-Policy", CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Frame-Options", "DENY");
}

/**
 * A rendered page, kept in the Workers Cache API (per data centre) under the site's version: the
 * figures cannot change without the version moving, so every reader after the first one since the
 * last upload costs one D1 query (the site) instead of the report's batch, whose reads grow with
 * the month's panel rows and the year's visitors (the distinct count is the costly part).
 */
function pageCacheKey(c: Context<AppEnv>, site: Site, variant: string): Request {
  const url = new URL(c.req.url);
  const day = new Date().toISOString().slice(0, 10);
  const key = new URL(
    `https://page-cache.vigie.invalid/${site.id}/v${site.version}/${RENDER_VERSION}/${day}${url.pathname}`,
  );
  key.search = url.search;
  key.searchParams.set("__variant", variant);
  return new Request(key);
}

export async function cachedPage(
  c: Context<AppEnv>,
  site: Site,
  variant: string,
): Promise<string | null> {
  const hit = await caches.default.match(pageCacheKey(c, site, variant)).catch(() => undefined);
  return hit ? hit.text() : null;
}

export function keepPage(c: Context<AppEnv>, site: Site, variant: string, html: string): void {
  const put = caches.default.put(
    pageCacheKey(c, site, variant),
    new Response(html, {
      headers: { "Cache-Control": "max-age=3600", "Content-Type": "text/html; charset=UTF-8" },
    }),
  );
  c.executionCtx.waitUntil(put.catch((e) => console.error("page cache:", e)));
}
