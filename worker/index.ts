import { createApp } from "./app";
import { countingD1 } from "./db/counting-d1";
import { allDbs } from "./db/databases";
import type { Env } from "./env";
import { watchdogDeps } from "./watchdog/deps";
import { runWatchdog } from "./watchdog/tick";

const app = createApp();

export default {
  async fetch(request, env, ctx) {
    if (env.COST_HEADER !== "1") return app.fetch(request, env, ctx);
    // The bench prices every request: D1 statements, rows read and written, in Server-Timing.
    const { db, cost } = countingD1(env.DB);
    const res = await app.fetch(request, { ...env, DB: db }, ctx);
    const out = new Response(res.body, res);
    out.headers.append(
      "Server-Timing",
      `d1cost;desc="queries=${cost.queries} read=${cost.rowsRead} written=${cost.rowsWritten}"`,
    );
    return out;
  },
  /**
   * The watchdog's tick, every minute (wrangler.toml crons); `GET /__scheduled` under `wrangler dev
   * --test-scheduled`. Awaited rather than left to waitUntil, so that `/__scheduled` answers once
   * the tick (DNS writes included) is done. A site that fails is logged and notified by the tick
   * itself, which never throws: one site's trouble never fails the others' run.
   */
  async scheduled(controller, env, _ctx) {
    // Each database's sites, one database after the other (a site's watchdog lives with its data).
    for (const db of allDbs(env))
      await runWatchdog(watchdogDeps(env, db), controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;

export type { Env };
