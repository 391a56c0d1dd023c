import { Hono } from "hono";
import type { Env } from "./env";

export type AppEnv = { Bindings: Env };

/** Builds the HTTP app; every route is mounted here. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.get("/healthz", async (c) => {
    const row = await c.env.DB.prepare("SELECT 1 AS ok").first<{ ok: number }>();
    return c.json({ ok: row?.ok === 1 });
  });
  return app;
}
