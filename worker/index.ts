import { createApp } from "./app";
import type { Env } from "./env";
import { watchdogDeps } from "./watchdog/deps";
import { runWatchdog } from "./watchdog/tick";

const app = createApp();

export default {
  fetch: app.fetch,
  /**
   * The watchdog's tick, every minute (wrangler.toml crons); `GET /__scheduled` under `wrangler dev
   * --test-scheduled`. Awaited rather than left to waitUntil, so that `/__scheduled` answers once
   * the tick (DNS writes included) is done. A site that fails is logged and notified by the tick
   * itself, which never throws: one site's trouble never fails the others' run.
   */
  async scheduled(controller, env, _ctx) {
    await runWatchdog(watchdogDeps(env), controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;

export type { Env };
