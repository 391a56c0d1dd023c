/**
 * The watchdog's status page, `/sites/NAME/watchdog`, behind the same access as the reports (read
 * token as Bearer or the login form's cookie), and its buttons: `POST /sites/NAME/watchdog/{failback,
 * release,hold}`, which need the read token itself (a public site's visitors only look) and a
 * same-origin request (the cookie is SameSite=Strict as well). Mounted before the report pages.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app";
import { bearerToken, holdsReadToken, readableSite } from "../auth/request-auth";
import { sameOrigin } from "../auth/same-origin";
import type { Site } from "../db/queries/find-site";
import { recentTransitions } from "../db/queries/watchdog-events";
import { loadNodes, loadWatch } from "../db/queries/watchdog-state";
import { LoginPage, MessagePage } from "../views/login-page";
import { renderPage } from "../views/layout";
import { WatchdogPage } from "../views/watchdog-page";
import { watchdogDeps } from "../watchdog/deps";
import { COMMANDS, type Command } from "../watchdog/model";
import { saneNodes, warnings } from "../watchdog/status";
import { runCommand } from "../watchdog/tick";
import { securityHeaders } from "./reports-http";

export const watchdogPages = new Hono<AppEnv>();

async function html(
  c: Context<AppEnv>,
  status: 200 | 401 | 403 | 404 | 409,
  node: ReturnType<typeof MessagePage>,
): Promise<Response> {
  securityHeaders(c);
  c.header("Cache-Control", "private, no-store");
  return c.html(await renderPage(node), status);
}

/** The site when the request may read it; else the login form, for an unknown site as for a private one. */
async function readable(c: Context<AppEnv>): Promise<Site | Response> {
  const name = c.req.param("site") ?? "";
  const site = await readableSite(c, name);
  if (site) return site;
  return html(c, 401, LoginPage({ site: name, next: `/sites/${name}/watchdog` }));
}

async function show(
  c: Context<AppEnv>,
  site: Site,
  status: 200 | 409,
  notice?: { error: boolean; text: string },
): Promise<Response> {
  const watch = await loadWatch(c.env.DB, site.id);
  const now = Date.now();
  const nodes = saneNodes(watch?.nodes ?? (await loadNodes(c.env.DB, site.id)), now);
  const canAct = await holdsReadToken(c, site, true);
  const logout = site.public || bearerToken(c) ? undefined : site.name;
  return html(
    c,
    status,
    WatchdogPage({
      site: site.name,
      watch,
      nodes,
      events: await recentTransitions(c.env.DB, site.id, 100),
      warnings: warnings(watch, nodes, now),
      now,
      canAct,
      logout,
      notice,
    }),
  );
}

watchdogPages.get("/sites/:site/watchdog", async (c) => {
  const site = await readable(c);
  if (site instanceof Response) return site;
  const done = c.req.query("done");
  return show(
    c,
    site,
    200,
    done && (COMMANDS as readonly string[]).includes(done)
      ? {
          error: false,
          text: `Done: ${done}. DNS changes and messages go out on the next tick (within a minute).`,
        }
      : undefined,
  );
});

watchdogPages.post("/sites/:site/watchdog/:command", async (c) => {
  const site = await readable(c);
  if (site instanceof Response) return site;
  if (!sameOrigin(c))
    return html(
      c,
      403,
      MessagePage({
        site: site.name,
        title: "Forbidden",
        message: "Watchdog actions come from this site's own pages only.",
      }),
    );
  if (!(await holdsReadToken(c, site, true)))
    return html(
      c,
      403,
      MessagePage({
        site: site.name,
        title: "Forbidden",
        message: "Watchdog actions need the site's read token: log in with it.",
      }),
    );
  const command = c.req.param("command") as Command;
  if (!COMMANDS.includes(command))
    return html(
      c,
      404,
      MessagePage({
        site: site.name,
        title: "Not found",
        message: `No watchdog command "${command}".`,
      }),
    );
  const r = await runCommand(watchdogDeps(c.env), site.id, command, Date.now());
  if (r.status === "applied")
    return c.redirect(`/sites/${site.name}/watchdog?done=${command}`, 303);
  return show(c, site, 409, {
    error: true,
    text: r.status === "refused" ? `Refused: ${r.message}` : "This site has no watchdog.",
  });
});
