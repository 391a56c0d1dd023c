import { Hono } from "hono";
import type { AppEnv } from "../app";
import { requireReader } from "../auth/request-auth";
import { getMonthSummary, latestMonth } from "../db/queries/get-month-summary";
import { ApiError } from "../errors";

/** GET /api/v1/sites/:site/… — read token (or a public site) required on every route. */
export const sitesApi = new Hono<AppEnv>();

sitesApi.get("/sites/:site/summary", async (c) => {
  const site = await requireReader(c, c.req.param("site"));
  let month = c.req.query("month") ?? (await latestMonth(c.env.DB, site.id));
  if (month === null) month = new Date().toISOString().slice(0, 7);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ApiError("bad_request", "month must be YYYY-MM");
  return c.json(await getMonthSummary(c.env.DB, site.id, month));
});

// Any other path under a site answers like the site's routes do: a token first, then 404.
sitesApi.all("/sites/:site/*", async (c) => {
  await requireReader(c, c.req.param("site"));
  throw new ApiError("not_found", "no such route");
});
