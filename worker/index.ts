import { createApp } from "./app";
import type { Env } from "./env";
import { watchdogDeps } from "./watchdog/deps";
import { runWatchdog } from "./watchdog/tick";

const app = createApp();

export default {
  fetch: app.fetch,
  /** The watchdog's tick, every minute (wrangler.toml crons); `GET /__scheduled` under `wrangler dev --test-scheduled`. */
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runWatchdog(watchdogDeps(env), controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;

export type { Env };
