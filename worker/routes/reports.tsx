/**
 * The report pages (HTML): /sites/NAME/ (index), /sites/NAME/YYYY (year in review),
 * /sites/NAME/YYYY-MM (month), /sites/NAME/YYYY-MM/PANEL (every row of a panel),
 * /sites/NAME/glossary, the login form, the language switch (POST /lang) and /assets/ (the
 * stylesheet and the sort script). Private sites answer 401 with the login form until the read
 * token is given (bearer header, or the form's HttpOnly cookie). Every page is in the reader's
 * language (reports-http.ts `langOf`).
 */
import type { Context } from "hono";
import { siteDb } from "../db/databases";
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { HtmlEscapedString } from "hono/utils/html";
import type { AppEnv } from "../app";
import { isTooLarge, readSmallBody } from "../auth/read-small-body";
import { isReadToken, readCookieName } from "../auth/request-auth";
import { sameOrigin } from "../auth/same-origin";
import type { PanelPageRows } from "../db/queries/get-panel-page";
import { findSite } from "../db/queries/find-site";
import { getMonthReport } from "../db/queries/get-month-report";
import { getWatchState } from "../db/queries/watch-state";
import { UNWATCHED } from "../watchdog/status";
import { getPanelPage } from "../db/queries/get-panel-page";
import { getSiteIndex } from "../db/queries/get-site-index";
import { getYearReport } from "../db/queries/get-year-report";
import { ApiError } from "../errors";
import { isLang } from "../i18n/languages";
import { LANG_COOKIE } from "../i18n/negotiate";
import { ASSETS } from "../views/assets";
import { GlossaryPage } from "../views/glossary-page";
import { IndexPage } from "../views/index-page";
import { renderPage } from "../views/layout";
import { LoginPage, MessagePage } from "../views/login-page";
import { MonthPage } from "../views/month-page";
import type { PageCtx } from "../views/page-context";
import { PanelPage } from "../views/panel-page";
import { YearPage } from "../views/year-page";
import {
  cachedPage,
  cacheable,
  intParam,
  keepPage,
  MONTH_RE,
  notModified,
  pageCtx,
  securityHeaders,
  vhostParam,
  YEAR_RE,
} from "./reports-http";
import { type PageStatus, type Reader, readerOrLogin, safeNext, sendPage } from "./page-access";
import { indexJson, isPanelId, monthJson, panelPageJson, yearJson } from "./reports-model";

export const reports = new Hono<AppEnv>();

/** Rows per panel on the month page, and per page of a panel's own pages. */
export const MONTH_TOP = 10;
/** Top pages per page of the year page. */
export const YEAR_TOP = 25;
export const PANEL_PAGE_SIZE = 100;
const COOKIE_MAX_AGE = 30 * 24 * 3600;
const LANG_MAX_AGE = 365 * 24 * 3600;

/**
 * A report page of a readable site: 304 when the client's copy is current, the page cache when
 * this version was rendered here already, else `build` (its queries and rendering), kept for the
 * next reader. Both caches are keyed by the language, the logout button and the watchdog's state,
 * which is read first (one row).
 */
async function report(
  c: Context<AppEnv>,
  r: Reader,
  build: (
    ctx: PageCtx,
  ) => Promise<{ status: PageStatus; node: HtmlEscapedString | Promise<HtmlEscapedString> }>,
): Promise<Response> {
  const ctx = pageCtx(c, {
    site: r.site.name,
    logout: r.logout,
    watch: (await getWatchState(siteDb(c.env, r.site.name), r.site.id)) ?? UNWATCHED,
  });
  const variant = `${ctx.t.lang}|${r.logout ? "cookie" : ""}|${ctx.watch}`;
  if (cacheable(c, r.site, variant)) return notModified(c);
  securityHeaders(c);
  const hit = await cachedPage(c, r.site, variant);
  if (hit !== null) {
    c.header("X-Vigie-Cache", "hit");
    return c.html(hit, 200);
  }
  const { status, node } = await build(ctx);
  const html = await renderPage(node);
  if (status === 200) keepPage(c, r.site, variant, html);
  return c.html(html, status);
}

/** A 404 page under a readable site. */
function notFound(
  c: Context<AppEnv>,
  site: string,
  message: "error.noPage" | "error.noPanel" | "error.noReport",
) {
  const ctx = pageCtx(c, { site });
  return sendPage(
    c,
    404,
    MessagePage({ ctx, site, title: ctx.t("error.notFound"), message: ctx.t(message) }),
  );
}

/**
 * The language switch's target (a link on every page: no script): keeps the language in a cookie
 * for a year and goes back to the page. SameSite=Lax, so that the language holds when a link from
 * a mail or a chat opens a page; the value is only ever a known language code, and `next` only a
 * path of this origin.
 */
reports.get("/lang", (c) => {
  const to = c.req.query("to");
  const next = c.req.query("next") ?? "";
  const back = /^\/(?![/\\])[A-Za-z0-9\-._~/?=&%#]*$/.test(next) && next.length <= 500 ? next : "/";
  if (isLang(to)) {
    setCookie(c, LANG_COOKIE, to, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: new URL(c.req.url).protocol === "https:",
      maxAge: LANG_MAX_AGE,
    });
  }
  c.header("Cache-Control", "no-store");
  return c.redirect(back, 303);
});

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
  const r = await readerOrLogin(c);
  if (r instanceof Response) return r;
  return report(c, r, async (ctx) => {
    const index = indexJson(r.site.name, await getSiteIndex(siteDb(c.env, r.site.name), r.site.id));
    return { status: 200, node: IndexPage({ ctx, index }) };
  });
});

reports.get("/sites/:site/glossary", async (c) => {
  const r = await readerOrLogin(c);
  if (r instanceof Response) return r;
  return report(c, r, async (ctx) => ({
    status: 200,
    node: GlossaryPage({ ctx: { ...ctx, watch: undefined }, site: r.site.name }),
  }));
});

reports.get("/sites/:site/:period", async (c) => {
  const r = await readerOrLogin(c);
  if (r instanceof Response) return r;
  const period = c.req.param("period");
  const db = siteDb(c.env, r.site.name);
  if (YEAR_RE.test(period)) {
    const n = intParam(c.req.query("page"), "page", 1, 1, 1_000_000);
    return report(c, r, async (ctx) => {
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
            ctx,
            site: r.site.name,
            title: ctx.t("error.notFound"),
            message: ctx.t("year.noPage", { year: period, n: String(n) }),
          }),
        };
      }
      return {
        status: y.months.length ? 200 : 404,
        node: YearPage({ ctx, y, top: YEAR_TOP }),
      };
    });
  }
  if (MONTH_RE.test(period)) {
    const vhost = vhostParam(c.req.query("vhost"));
    return report(c, r, async (ctx) => {
      const rows = await getMonthReport(db, r.site.id, period, {
        top: MONTH_TOP,
        watched: 1000,
        samples: 10,
        vhost,
      });
      c.header("Server-Timing", `d1;desc="SQL, 1 batch";dur=${rows.sqlMs.toFixed(1)}`);
      const m = monthJson(r.site.name, period, rows);
      return {
        status: m.hasData ? 200 : 404,
        node: MonthPage({ ctx, m, top: MONTH_TOP }),
      };
    });
  }
  return notFound(c, r.site.name, "error.noPage");
});

reports.get("/sites/:site/:month/:panel", async (c) => {
  const r = await readerOrLogin(c);
  if (r instanceof Response) return r;
  const month = c.req.param("month");
  const panel = c.req.param("panel");
  if (!MONTH_RE.test(month) || !isPanelId(panel)) return notFound(c, r.site.name, "error.noPanel");
  const n = intParam(c.req.query("page"), "page", 1, 1, 1_000_000);
  const byBytes = panel === "robots" && c.req.query("sort") === "bytes";
  const ctx = pageCtx(c, {
    site: r.site.name,
    logout: r.logout,
    watch: (await getWatchState(siteDb(c.env, r.site.name), r.site.id)) ?? UNWATCHED,
  });
  if (cacheable(c, r.site, `${ctx.t.lang}|${r.logout ? "cookie" : ""}|${ctx.watch}`))
    return notModified(c);
  const offset = (n - 1) * PANEL_PAGE_SIZE;
  const json = byBytes
    ? robotsByBytes(
        month,
        await getPanelPage(siteDb(c.env, r.site.name), r.site.id, month, panel, {
          limit: ROBOTS_MAX,
          offset: 0,
        }),
        offset,
      )
    : panelPageJson(
        month,
        panel,
        await getPanelPage(siteDb(c.env, r.site.name), r.site.id, month, panel, {
          limit: PANEL_PAGE_SIZE,
          offset,
        }),
        PANEL_PAGE_SIZE,
        offset,
      );
  return sendPage(
    c,
    200,
    PanelPage({ ctx, site: r.site.name, panel: json, pageSize: PANEL_PAGE_SIZE, byBytes }),
  );
});

/**
 * Robots are few (a name each, from the robots table, or "Other robot"): IWLA's "robots by
 * bandwidth" reads them all and orders them here, a page of them at a time.
 */
const ROBOTS_MAX = 10_000;
function robotsByBytes(month: string, rows: PanelPageRows, offset: number) {
  const all = panelPageJson(month, "robots", rows, ROBOTS_MAX, 0);
  const sorted = [...all.rows].sort((a, b) => b.bytes - a.bytes || b.hits - a.hits);
  return {
    ...all,
    limit: PANEL_PAGE_SIZE,
    offset,
    rows: sorted.slice(offset, offset + PANEL_PAGE_SIZE),
  };
}

/**
 * The login form's target: a right read token sets the cookie and goes back; a wrong one, or an
 * unknown site, gets the form again, 401. Same-origin only; the form is read up to a few KB.
 */
reports.post("/sites/:site/login", async (c) => {
  const name = c.req.param("site");
  c.header("Cache-Control", "no-store");
  if (!sameOrigin(c)) return crossSite(c);
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(await readSmallBody(c.req.raw));
  } catch (e) {
    if (!isTooLarge(e)) throw e;
    const ctx = pageCtx(c);
    const next = safeNext(name, undefined);
    return sendPage(c, 413, LoginPage({ ctx, site: name, next, error: ctx.t("login.tooLarge") }));
  }
  const site = await findSite(siteDb(c.env, name), name);
  const token = (form.get("token") ?? "").trim();
  const next = safeNext(name, form.get("next"));
  const right = await isReadToken(site, token);
  if (!site || (!site.public && !right)) {
    const ctx = pageCtx(c, { path: next });
    return sendPage(c, 401, LoginPage({ ctx, site: name, next, error: ctx.t("login.wrong") }));
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

/** 403: logging in and out is done from the site's own pages only. */
function crossSite(c: Context<AppEnv>) {
  const ctx = pageCtx(c);
  return sendPage(
    c,
    403,
    MessagePage({ ctx, title: ctx.t("error.forbidden"), message: ctx.t("login.crossSite") }),
  );
}

/** POST only (a link cannot log a reader out), and same-origin only. */
reports.post("/sites/:site/logout", async (c) => {
  const name = c.req.param("site");
  if (!sameOrigin(c)) return crossSite(c);
  deleteCookie(c, readCookieName(name), {
    path: "/",
    secure: new URL(c.req.url).protocol === "https:",
  });
  return c.redirect(`/sites/${encodeURIComponent(name)}/`, 303);
});

reports.all("/sites/:site/*", async (c) => {
  const r = await readerOrLogin(c);
  if (r instanceof Response) return r;
  return notFound(c, r.site.name, "error.noReport");
});

reports.onError(async (e, c) => {
  const ctx = pageCtx(c);
  const { t } = ctx;
  if (e instanceof ApiError && e.status === 400)
    return sendPage(
      c,
      400,
      MessagePage({
        ctx,
        title: t("error.badRequest"),
        message: t("error.badParam", { detail: e.message }),
      }),
    );
  console.error(e);
  return sendPage(c, 500, MessagePage({ ctx, title: t("error.error"), message: t("error.retry") }));
});
