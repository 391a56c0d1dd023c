/**
 * What every HTML route of a site does first and last: let a reader in (or answer the login form)
 * and send a page with the headers every page carries. Shared by the report pages and the
 * watchdog's page.
 */
import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppEnv } from "../app";
import { bearerToken, readableSite } from "../auth/request-auth";
import type { Site } from "../db/queries/find-site";
import { renderPage } from "../views/layout";
import { LoginPage } from "../views/login-page";
import { pageCtx, securityHeaders, VARY_PAGE } from "./reports-http";

export type PageStatus = 200 | 400 | 401 | 403 | 404 | 409 | 413 | 500;

/** Sends a page: the security headers, and one cached copy per value of what its words depend on. */
export async function sendPage(
  c: Context<AppEnv>,
  status: PageStatus,
  node: HtmlEscapedString | Promise<HtmlEscapedString>,
): Promise<Response> {
  securityHeaders(c);
  c.header("Vary", VARY_PAGE);
  return c.html(await renderPage(node), status);
}

/** Only a path of this site's pages may follow a login: never another origin. */
export function safeNext(site: string, next: unknown): string {
  const home = `/sites/${site}/`;
  if (typeof next !== "string" || !next.startsWith(home) || next.length > 300) return home;
  return /^[A-Za-z0-9\-._~/?=&%]*$/.test(next) && !next.includes("//") ? next : home;
}

export interface Reader {
  site: Site;
  /** The site whose logout button the page shows: a reader who came through the form's cookie. */
  logout?: string;
}

/**
 * The site of the route's `:site` when the request may read it; otherwise the answer to send: 401
 * with the login form, for an unknown site exactly as for a private one (the answer never tells
 * which names exist), leading back to `next` once logged in (this page by default).
 */
export async function readerOrLogin(c: Context<AppEnv>, next?: string): Promise<Reader | Response> {
  const name = c.req.param("site") ?? "";
  const site = await readableSite(c, name);
  if (site) return { site, logout: site.public || bearerToken(c) ? undefined : site.name };
  const url = new URL(c.req.url);
  c.header("Cache-Control", "no-store");
  const back = safeNext(name, next ?? url.pathname + url.search);
  // The language switch leads back there too.
  return sendPage(c, 401, LoginPage({ ctx: pageCtx(c, { path: back }), site: name, next: back }));
}
