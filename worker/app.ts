import { Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { ping } from "./db/queries/ping";
import type { Env } from "./env";
import { ApiError, errorBody } from "./errors";
import { heartbeat } from "./routes/heartbeat";
import { ingest } from "./routes/ingest";
import { reports } from "./routes/reports";
import { sitesApi } from "./routes/sites-api";
import { watchdogApi } from "./routes/watchdog-api";
import { watchdogPages } from "./routes/watchdog-page";

export type AppEnv = { Bindings: Env };

/** Builds the HTTP app; every route is mounted here, every error answers `{ error: { code, message } }`. */
export function createApp() {
  // Hono's default router tries its RegExpRouter at the first request, which refuses these routes
  // (`/sites/:site/:month/:panel` beside `/sites/:site/:period`), and then builds a TrieRouter:
  // an isolate's first request paid for both. The TrieRouter takes each route as it is added,
  // when the isolate loads the worker.
  const app = new Hono<AppEnv>({ router: new TrieRouter() });
  app.get("/healthz", async (c) => c.json({ ok: await ping(c.env.DB) }));
  app.route("/api/v1", ingest);
  app.route("/api/v1", heartbeat);
  app.route("/api/v1", watchdogApi);
  app.route("/api/v1", sitesApi);
  app.route("/", watchdogPages);
  app.route("/", reports);
  app.notFound((c) =>
    c.json(errorBody("not_found", `no route ${c.req.method} ${new URL(c.req.url).pathname}`), 404),
  );
  app.onError((e, c) => {
    if (e instanceof ApiError) return c.json(errorBody(e.code, e.message), e.status);
    console.error(e);
    return c.json(errorBody("internal", "internal error"), 500);
  });
  return app;
}
