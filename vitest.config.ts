import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        // Pure code (the analysis core) and the edge agent, in plain Node.
        test: {
          name: "node",
          environment: "node",
          include: ["test/core/**/*.test.ts", "test/agent/**/*.test.ts", "test/scripts/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        // Worker code inside workerd, against the real migrations on local D1.
        plugins: [
          cloudflareTest(async () => ({
            main: "./worker/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { TEST_MIGRATIONS: await readD1Migrations("./migrations") },
              outboundService(request: Request) {
                return new Response(`blocked outbound: ${request.url}`, { status: 599 });
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["./test/worker/apply-migrations.ts"],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
