import { applyD1Migrations, env } from "cloudflare:test";

// setupFiles run before each test file; storage is isolated per test file.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// The database of the site that has one of its own (SITE_DATABASES in vitest.config.ts).
await applyD1Migrations(env.DB_SOLO, env.TEST_MIGRATIONS);
