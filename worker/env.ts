/** Bindings and vars of the worker, as declared in wrangler.toml. */
export interface Env {
  DB: D1Database;
}
