/**
 * The watchdog's status page, `/sites/NAME/watchdog`, behind the same access as the reports (read
 * token as Bearer or the login form's cookie), and its buttons: `POST /sites/NAME/watchdog/{failback,
 * release,hold}`, which need the read token itself (a public site's visitors only look) and a
 * same-origin request (the cookie is SameSite=Strict as well). Mounted before the report pages.
 */
import type { Context } from "hono";
import { siteDb } from "../db/databases";
import { Hono } from "hono";
import type { AppEnv } from "../app";
import { holdsReadToken } from "../auth/request-auth";
import { sameOrigin } from "../auth/same-origin";
import { recentTransitions } from "../db/queries/watchdog-events";
import { loadNodes, loadWatch } from "../db/queries/watchdog-state";
import { MessagePage } from "../views/login-page";
import type { WatchdogPageProps } from "../views/watchdog-page";
import { WatchdogPage } from "../views/watchdog-page";
import { watchdogDeps } from "../watchdog/deps";
import { COMMANDS, type Command } from "../watchdog/model";
import { saneNodes } from "../watchdog/status";
import { runCommand } from "../watchdog/tick";
import { type PageStatus, type Reader, readerOrLogin, sendPage } from "./page-access";
import { pageCtx } from "./reports-http";

export const watchdogPages = new Hono<AppEnv>();

/** Sends a page of the watchdog: never cached, its state moves every minute. */
function html(c: Context<AppEnv>, status: PageStatus, node: ReturnType<typeof MessagePage>) {
  c.header("Cache-Control", "private, no-store");
  return sendPage(c, status, node);
}

/** The page's shell: its path is the status page's, whichever route answers (a command's 409 too). */
const ctxOf = (c: Context<AppEnv>, site: string, logout?: string) =>
  pageCtx(c, { site, logout, path: `/sites/${site}/watchdog` });

/** A message page under a site: 403 or 404, in the reader's language. */
function refuse(
  c: Context<AppEnv>,
  site: string,
  status: 403 | 404,
  message: "error.wdOrigin" | "error.wdToken" | { command: string },
) {
  const ctx = ctxOf(c, site);
  const { t } = ctx;
  return html(
    c,
    status,
    MessagePage({
      ctx,
      site,
      title: status === 403 ? t("error.forbidden") : t("error.notFound"),
      message: typeof message === "string" ? t(message) : t("error.wdCommand", message),
    }),
  );
}

async function show(
  c: Context<AppEnv>,
  { site, logout }: Reader,
  status: 200 | 409,
  notice?: WatchdogPageProps["notice"],
): Promise<Response> {
  const watch = await loadWatch(siteDb(c.env, site.name), site.id);
  const now = Date.now();
  const nodes = saneNodes(
    watch?.nodes ?? (await loadNodes(siteDb(c.env, site.name), site.id)),
    now,
  );
  const canAct = await holdsReadToken(c, site, true);
  return html(
    c,
    status,
    WatchdogPage({
      ctx: ctxOf(c, site.name, logout),
      site: site.name,
      watch,
      nodes,
      events: await recentTransitions(siteDb(c.env, site.name), site.id, 100),
      now,
      canAct,
      notice,
    }),
  );
}

watchdogPages.get("/sites/:site/watchdog", async (c) => {
  const r = await readerOrLogin(c);
  if (r instanceof Response) return r;
  const done = c.req.query("done");
  return show(
    c,
    r,
    200,
    done && (COMMANDS as readonly string[]).includes(done) ? { done } : undefined,
  );
});

watchdogPages.post("/sites/:site/watchdog/:command", async (c) => {
  const r = await readerOrLogin(c, `/sites/${c.req.param("site")}/watchdog`);
  if (r instanceof Response) return r;
  const { site } = r;
  if (!sameOrigin(c)) return refuse(c, site.name, 403, "error.wdOrigin");
  if (!(await holdsReadToken(c, site, true))) return refuse(c, site.name, 403, "error.wdToken");
  const command = c.req.param("command") as Command;
  if (!COMMANDS.includes(command)) return refuse(c, site.name, 404, { command });
  const done = await runCommand(
    watchdogDeps(c.env, siteDb(c.env, site.name)),
    site.id,
    command,
    Date.now(),
  );
  if (done.status === "applied")
    return c.redirect(`/sites/${site.name}/watchdog?done=${command}`, 303);
  const notice: WatchdogPageProps["notice"] =
    done.status === "refused" ? { refused: done.message } : { unwatched: true };
  return show(c, r, 409, notice);
});
