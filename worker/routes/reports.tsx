/**
 * The report pages (HTML): /sites/NAME/ (index), /sites/NAME/YYYY (year in review),
 * /sites/NAME/YYYY-MM (month), /sites/NAME/YYYY-MM/PANEL (every row of a panel), the login form,
 * and /assets/ (the stylesheet and the sort script). Private sites answer 401 with the login
 * form until the read token is given (bearer header, or the form's HttpOnly cookie).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppEnv } from "../app";
import { isTooLarge, readSmallBody } from "../auth/read-small-body";
import { bearerToken, isReadToken, readableSite, readCookieName } from "../auth/request-auth";
import { sameOrigin } from "../auth/same-origin";
import type { Site } from "../db/queries/find-site";
import { findSite } from "../db/queries/find-site";
import { getMonthReport } from "../db/queries/get-month-report";
import { getPanelPage } from "../db/queries/get-panel-page";
import { getSiteIndex } from "../db/queries/get-site-index";
import { getYearReport } from "../db/queries/get-year-report";
import { ApiError } from "../errors";
import { ASSETS } from "../views/assets";
import { IndexPage } from "../views/index-page";
import { renderPage } from "../views/layout";
import { LoginPage, MessagePage } from "../views/login-page";
import { MonthPage } from "../views/month-page";
import { PanelPage } from "../views/panel-page";
import { YearPage } from "../views/year-page";
import {
  cachedPage,
  cacheable,
  intParam,
  keepPage,
  MONTH_RE,
  notModified,
  securityHeaders,
  YEAR_RE,
} from "./reports-http";
import { indexJson, isPanelId, monthJson, panelPageJson, yearJson } from "./reports-model";

export const reports = new Hono<AppEnv>();

/** Rows per panel on the month page, and per page of a panel's own pages. */
export const MONTH_TOP = 10;
/** Top pages per page of the year page. */
export const YEAR_TOP = 25;
export const PANEL_PAGE_SIZE = 100;
const COOKIE_MAX_AGE = 30 * 24 * 3600;

type Status = 200 | 400 | 401 | 403 | 404 | 413 | 500;

async function page(
  c: Context<AppEnv>,
  status: Status,
  node: HtmlEscapedString | Promise<HtmlEscapedString>,
): Promise<Response> {
  securityHeaders(c);
  return c.html(await renderPage(node), status);
}

/**
 * A report page of a readable site: 304 when the client's copy is current, the page cache when
 * this version was rendered here already, else `build` (its queries and rendering), kept for the next reader.
 */
async function report(
  c: Context<AppEnv>,
  r: Reader,
  build: () => Promise<{ status: Status; node: HtmlEscapedString | Promise<HtmlEscapedString> }>,
): Promise<Response> {
  const variant = r.logout ? "cookie" : "";
  if (cacheable(c, r.site, variant)) return notModified(c);
  securityHeaders(c);
  const hit = await cachedPage(c, r.site, variant);
  if (hit !== null) {
    c.header("X-Vigie-Cache", "hit");
    return c.html(hit, 200);
  }
  const { status, node } = await build();
  const html = await renderPage(node);
  if (status === 200) keepPage(c, r.site, variant, html);
  return c.html(html, status);
}

/** Only a path of this site's reports may follow a login: never another origin. */
function safeNext(site: string, next: unknown): string {
  const home = `/sites/${site}/`;
  if (typeof next !== "string" || !next.startsWith(home) || next.length > 300) return home;
  return /^[A-Za-z0-9\-._~/?=&%]*$/.test(next) && !next.includes("//") ? next : home;
}

interface Reader {
  site: Site;
  logout?: string;
}

/**
 * The site, when the request may read it; otherwise the answer to send: 401 with the login form,
 * for an unknown site exactly as for a private one (the answer never tells which names exist). A
 * reader who came through the form's cookie gets a logout button.
 */
async function reader(c: Context<AppEnv>): Promise<Reader | Response> {
  const name = c.req.param("site") ?? "";
  const site = await readableSite(c, name);
  if (site) return { site, logout: site.public || bearerToken(c) ? undefined : site.name };
  const url = new URL(c.req.url);
  c.header("Cache-Control", "no-store");
  return page(c, 401, LoginPage({ site: name, next: safeNext(name, url.pathname + url.search) }));
}

reports.get("/assets/:name", (c) => {
  const a = ASSETS[c.req.param("name")];
  if (!a || !Object.hasOwn(ASSETS, c.req.param("name"))) return c.text("not found", 404);
  c.header("Content-Type", a.type);
  c.header("X-Content-Type-Options", "nosniff");
  c.header(
    "Cache-Control",
    c.req.query("v") === a.hash ? "public, max-age=31536000, immutable" : "public, max-age=300",
  );
  return c.body(a.body);
});

reports.get("/sites/:site", (c) =>
  c.redirect(`/sites/${encodeURIComponent(c.req.param("site"))}/`, 301),
);

reports.get("/sites/:site/", async (c) => {
  const r = await reader(c);
  if (r instanceof Response) return r;
  return report(c, r, async () => {
    const index = indexJson(r.site.name, await getSiteIndex(c.env.DB, r.site.id));
    return { status: 200, node: IndexPage({ index, logout: r.logout }) };
  });
});

reports.get("/sites/:site/:period", async (c) => {
  const r = await reader(c);
  if (r instanceof Response) return r;
  const period = c.req.param("period");
  const db = c.env.DB;
  if (YEAR_RE.test(period)) {
    const n = intParam(c.req.query("page"), "page", 1, 1, 1_000_000);
    return report(c, r, async () => {
      const y = yearJson(
        r.site.name,
        period,
        await getYearReport(db, r.site.id, period, YEAR_TOP, (n - 1) * YEAR_TOP),
        (n - 1) * YEAR_TOP,
      );
      if (n > 1 && y.topPages.rows.length === 0) {
        return {
          status: 404,
          node: MessagePage({
            site: r.site.name,
            title: "Not found",
            message: `The top pages of ${period} have no page ${n}.`,
          }),
        };
      }
      return {
        status: y.months.length ? 200 : 404,
        node: YearPage({ y, logout: r.logout, top: YEAR_TOP }),
      };
    });
  }
  if (MONTH_RE.test(period)) {
    return report(c, r, async () => {
      const rows = await getMonthReport(db, r.site.id, period, {
        top: MONTH_TOP,
        watched: 1000,
        samples: 10,
      });
      c.header("Server-Timing", `d1;desc="SQL, 1 batch";dur=${rows.sqlMs.toFixed(1)}`);
      const m = monthJson(r.site.name, period, rows);
      return {
        status: m.hasData ? 200 : 404,
        node: MonthPage({ m, logout: r.logout, top: MONTH_TOP }),
      };
    });
  }
  return page(
    c,
    404,
    MessagePage({
      site: r.site.name,
      title: "Not found",
      message: "Report pages are /sites/NAME/YYYY and /sites/NAME/YYYY-MM.",
    }),
  );
});

reports.get("/sites/:site/:month/:panel", async (c) => {
  const r = await reader(c);
  if (r instanceof Response) return r;
  const month = c.req.param("month");
  const panel = c.req.param("panel");
  if (!MONTH_RE.test(month) || !isPanelId(panel)) {
    return page(
      c,
      404,
      MessagePage({ site: r.site.name, title: "Not found", message: "No such panel." }),
    );
  }
  const n = intParam(c.req.query("page"), "page", 1, 1, 1_000_000);
  if (cacheable(c, r.site, r.logout ? "cookie" : "")) return notModified(c);
  const offset = (n - 1) * PANEL_PAGE_SIZE;
  const rows = await getPanelPage(c.env.DB, r.site.id, month, panel, {
    limit: PANEL_PAGE_SIZE,
    offset,
  });
  const json = panelPageJson(month, panel, rows, PANEL_PAGE_SIZE, offset);
  return page(
    c,
    200,
    PanelPage({ site: r.site.name, panel: json, pageSize: PANEL_PAGE_SIZE, logout: r.logout }),
  );
});

/**
 * The login form's target: a right read token sets the cookie and goes back; a wrong one, or an
 * unknown site, gets the form again, 401. Same-origin only; the form is read up to a few KB.
 */
reports.post("/sites/:site/login", async (c) => {
  const name = c.req.param("site");
  c.header("Cache-Control", "no-store");
  if (!sameOrigin(c)) return page(c, 403, MessagePage({ title: "Forbidden", message: CROSS_SITE }));
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(await readSmallBody(c.req.raw));
  } catch (e) {
    if (!isTooLarge(e)) throw e;
    const next = safeNext(name, undefined);
    return page(c, 413, LoginPage({ site: name, next, error: "That form is too large." }));
  }
  const site = await findSite(c.env.DB, name);
  const token = (form.get("token") ?? "").trim();
  const next = safeNext(name, form.get("next"));
  const right = await isReadToken(site, token);
  if (!site || (!site.public && !right)) {
    return page(
      c,
      401,
      LoginPage({ site: name, next, error: "That is not this site's read token." }),
    );
  }
  if (!site.public) {
    setCookie(c, readCookieName(site.name), token, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure: new URL(c.req.url).protocol === "https:",
      maxAge: COOKIE_MAX_AGE,
    });
  }
  return c.redirect(next, 303);
});

const CROSS_SITE = "Logging in and out is done from this site's own pages only.";

/** POST only (a link cannot log a reader out), and same-origin only. */
reports.post("/sites/:site/logout", async (c) => {
  const name = c.req.param("site");
  if (!sameOrigin(c)) return page(c, 403, MessagePage({ title: "Forbidden", message: CROSS_SITE }));
  deleteCookie(c, readCookieName(name), {
    path: "/",
    secure: new URL(c.req.url).protocol === "https:",
  });
  return c.redirect(`/sites/${encodeURIComponent(name)}/`, 303);
});

reports.all("/sites/:site/*", async (c) => {
  const r = await reader(c);
  if (r instanceof Response) return r;
  return page(
    c,
    404,
    MessagePage({ site: r.site.name, title: "Not found", message: "No such report page." }),
  );
});

reports.onError(async (e, c) => {
  if (e instanceof ApiError && e.status === 400)
    return page(c, 400, MessagePage({ title: "Bad request", message: e.message }));
  console.error(e);
  return page(
    c,
    500,
    MessagePage({ title: "Error", message: "The report could not be built; try again." }),
  );
});
