import { Hono } from "hono";
import type { AppEnv } from "../app";
import { siteDb } from "../db/databases";
import { requireReader } from "../auth/request-auth";
import { getMonthReport } from "../db/queries/get-month-report";
import { getMonthSummary, latestMonth } from "../db/queries/get-month-summary";
import { getPanelPage } from "../db/queries/get-panel-page";
import { getSiteIndex } from "../db/queries/get-site-index";
import { getYearReport } from "../db/queries/get-year-report";
import { ApiError } from "../errors";
import { buildExport } from "./reports-backup";
import { panelCsv } from "./reports-csv";
import {
  cacheable,
  intParam,
  MONTH_RE,
  notModified,
  parseMonth,
  vhostParam,
  YEAR_RE,
} from "./reports-http";
import { indexJson, isPanelId, monthJson, panelPageJson, yearJson } from "./reports-model";

/**
 * GET /api/v1/sites/:site/… — read token (or a public site) required on every route. There is no
 * import route: a restore is the owner's `npm run site -- import` (worker/routes/reports-backup.ts).
 */
export const sitesApi = new Hono<AppEnv>();

sitesApi.get("/sites/:site/summary", async (c) => {
  const site = await requireReader(c, c.req.param("site"));
  let month = c.req.query("month") ?? (await latestMonth(siteDb(c.env, site.name), site.id));
  if (month === null) month = new Date().toISOString().slice(0, 7);
  if (!MONTH_RE.test(month)) throw new ApiError("bad_request", "month must be YYYY-MM");
  return c.json(await getMonthSummary(siteDb(c.env, site.name), site.id, month));
});

/** The index: every year with its months and distinct visitors. */
sitesApi.get("/sites/:site/years", async (c) => {
  const site = await requireReader(c, c.req.param("site"));
  if (cacheable(c, site)) return notModified(c);
  return c.json(indexJson(site.name, await getSiteIndex(siteDb(c.env, site.name), site.id)));
});

sitesApi.get("/sites/:site/years/:year", async (c) => {
  const site = await requireReader(c, c.req.param("site"));
  const year = c.req.param("year");
  if (!YEAR_RE.test(year)) throw new ApiError("bad_request", "year must be YYYY");
  const top = intParam(c.req.query("limit"), "limit", 25, 1, 1000);
  const offset = intParam(c.req.query("offset"), "offset", 0, 0, 100_000_000);
  if (cacheable(c, site)) return notModified(c);
  return c.json(
    yearJson(
      site.name,
      year,
      await getYearReport(siteDb(c.env, site.name), site.id, year, top, offset),
      offset,
    ),
  );
});

/**
 * A month: its figures, days, hours, the top `limit` rows of every panel (with each panel's
 * totals), watched hits; `vhost=HOST`: its hits, pages, bytes and days are that virtual host's.
 */
sitesApi.get("/sites/:site/months/:month", async (c) => {
  const site = await requireReader(c, c.req.param("site"));
  const month = parseMonth(c.req.param("month"));
  const top = intParam(c.req.query("limit"), "limit", 100, 1, 1000);
  const vhost = vhostParam(c.req.query("vhost"));
  if (cacheable(c, site)) return notModified(c);
  const rows = await getMonthReport(siteDb(c.env, site.name), site.id, month, {
    top,
    watched: 1000,
    samples: 10,
    vhost,
  });
  return c.json(monthJson(site.name, month, rows));
});

/** One panel of a month, paginated; `format=csv` exports it (every row unless limit is given). */
sitesApi.get("/sites/:site/panels/:panel", async (c) => {
  const site = await requireReader(c, c.req.param("site"));
  const panel = c.req.param("panel");
  if (!isPanelId(panel)) throw new ApiError("not_found", `no panel "${panel}"`);
  const month =
    c.req.query("month") ??
    (await latestMonth(siteDb(c.env, site.name), site.id)) ??
    new Date().toISOString().slice(0, 7);
  parseMonth(month);
  const format = c.req.query("format") ?? "json";
  if (format !== "json" && format !== "csv")
    throw new ApiError("bad_request", "format must be json or csv");
  const csv = format === "csv";
  const limit = intParam(
    c.req.query("limit"),
    "limit",
    csv ? 1_000_000 : 100,
    1,
    csv ? 1_000_000 : 10_000,
  );
  const offset = intParam(c.req.query("offset"), "offset", 0, 0, 1_000_000_000);
  if (cacheable(c, site)) return notModified(c);
  const page = panelPageJson(
    month,
    panel,
    await getPanelPage(siteDb(c.env, site.name), site.id, month, panel, { limit, offset }),
    limit,
    offset,
  );
  if (!csv) return c.json(page);
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="${site.name}-${month}-${panel}.csv"`);
  return c.body(panelCsv(page, c.req.query("lang")));
});

/** The whole site's statistics as one JSON document: the owner's backup. */
sitesApi.get("/sites/:site/export", async (c) => {
  const site = await requireReader(c, c.req.param("site"));
  c.header("Cache-Control", "private, no-store");
  c.header(
    "Content-Disposition",
    `attachment; filename="vigie-${site.name}-${new Date().toISOString().slice(0, 10)}.json"`,
  );
  return c.json(await buildExport(siteDb(c.env, site.name), site));
});

// Any other path under a site answers like the site's routes do: a token first, then 404.
sitesApi.all("/sites/:site/*", async (c) => {
  await requireReader(c, c.req.param("site"));
  throw new ApiError("not_found", "no such route");
});
