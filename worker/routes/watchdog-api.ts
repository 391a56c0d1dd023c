import { Hono } from "hono";
import type { AppEnv } from "../app";
import { siteDb } from "../db/databases";
import { requireReader, requireReadToken } from "../auth/request-auth";
import { recentTransitions } from "../db/queries/watchdog-events";
import { loadNodes, loadWatch } from "../db/queries/watchdog-state";
import { ApiError } from "../errors";
import { watchdogDeps } from "../watchdog/deps";
import { COMMANDS, type Command } from "../watchdog/model";
import {
  activeNode,
  iso,
  nodeView,
  recordView,
  saneNodes,
  UNWATCHED,
  warnings,
} from "../watchdog/status";
import { runCommand } from "../watchdog/tick";

/** The last transitions shown by the status route. */
const EVENTS = 100;

/**
 * GET /api/v1/sites/:site/watchdog — read token (or a public site): `{ state, epoch, active, nodes:
 * [{ node, role, address, lastSeen, … }], record: { name, type, content } | null, events: [{ at,
 * from, to, reason }], warnings }`.
 * POST /api/v1/sites/:site/watchdog/{failback|release|hold} — the read token as Bearer.
 */
export const watchdogApi = new Hono<AppEnv>();

watchdogApi.get("/sites/:site/watchdog", async (c) => {
  const site = await requireReader(c, c.req.param("site"));
  const watch = await loadWatch(siteDb(c.env, site.name), site.id);
  const now = Date.now();
  const nodes = saneNodes(
    watch?.nodes ?? (await loadNodes(siteDb(c.env, site.name), site.id)),
    now,
  );
  const events = await recentTransitions(siteDb(c.env, site.name), site.id, EVENTS);
  c.header("Cache-Control", "private, no-store");
  return c.json({
    state: watch?.state.state ?? UNWATCHED,
    epoch: watch?.state.epoch ?? 0,
    active: activeNode(watch, nodes),
    nodes: nodes.map((n) => nodeView(n, watch)),
    record: recordView(watch, "seen"),
    events: events.map((e) => ({
      at: iso(e.at),
      from: e.from,
      to: e.to,
      reason: e.reason,
      epoch: e.epoch,
    })),
    warnings: warnings(watch, nodes, now),
  });
});

watchdogApi.post("/sites/:site/watchdog/:command", async (c) => {
  const site = await requireReadToken(c, c.req.param("site"));
  const command = c.req.param("command") as Command;
  if (!COMMANDS.includes(command))
    throw new ApiError("not_found", `no watchdog command "${command}" (failback, release, hold)`);
  const r = await runCommand(
    watchdogDeps(c.env, siteDb(c.env, site.name)),
    site.id,
    command,
    Date.now(),
  );
  if (r.status === "unwatched")
    throw new ApiError(
      "not_found",
      `site "${site.name}" has no watchdog: npm run site -- watch ${site.name} …`,
    );
  if (r.status === "refused") throw new ApiError("conflict", r.message);
  const s = r.decision.state;
  return c.json({
    command,
    state: s.state,
    epoch: s.epoch,
    active: r.watch.nodes.find((n) => n.role === s.active)?.node ?? null,
    events: r.decision.actions.flatMap((a) =>
      a.type === "transition" ? [{ from: a.from, to: a.to, reason: a.reason }] : [],
    ),
  });
});
