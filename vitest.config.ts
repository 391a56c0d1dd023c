import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { DEFAULT_DNS_TOKEN, FakeApis } from "./test/fakes/dns-providers.js";

/** The fake DNS providers and webhook receiver (one per vitest run; tests reset it through `http://dns.fake/__fake/reset`). */
const fakes = new FakeApis();

/** The test files that drive the fake DNS providers and webhook receiver (test/worker/watchdog-helpers.ts). */
const WATCHDOG_FILES = "test/worker/watchdog*.test.ts";

/** A project of worker code inside workerd, against the real migrations on local D1. */
function workers(name: string, test: Record<string, unknown>) {
  return {
    plugins: [
      cloudflareTest(async () => ({
        main: "./worker/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
            // The watchdog's DNS provider and notifications, pointed at the fakes below.
            DNS_API_BASE: "http://dns.fake/client/v4",
            DNS_TOKEN: DEFAULT_DNS_TOKEN,
            NOTIFY_WEBHOOK_URL: "http://hooks.fake/vigie",
            // One site in a database of its own (worker/db/databases.ts; test/worker/site-databases.test.ts).
            SITE_DATABASES: JSON.stringify({ solo: "DB_SOLO" }),
          },
          d1Databases: { DB: "00000000-0000-0000-0000-000000000000", DB_SOLO: "solo" },
          // Every outbound fetch lands here: third-party APIs are faked, faithful to their documentation.
          async outboundService(request: Request) {
            const faked = await fakes.handle(request);
            if (faked) return faked;
            const url = new URL(request.url);
            if (url.hostname === "cloudflare-dns.com" && url.pathname === "/dns-query")
              return fakeDoh(url);
            return new Response(`blocked outbound: ${request.url}`, { status: 599 });
          },
        },
      })),
    ],
    test: {
      name,
      setupFiles: ["./test/worker/apply-migrations.ts"],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      ...test,
    },
  };
}

export default defineConfig({
  test: {
    // Vitest's default on this 2-core machine is one file at a time; most e2e, agent and script
    // tests wait on wrangler and workerd processes, so three at once cut the run from ~8 to ~5 min.
    maxWorkers: 3,
    projects: [
      {
        // Pure code (the analysis core) and the edge agent, in plain Node.
        test: {
          name: "node",
          environment: "node",
          include: [
            "test/core/**/*.test.ts",
            "test/agent/**/*.test.ts",
            "test/scripts/**/*.test.ts",
            "test/e2e/**/*.test.ts",
            "test/browser/**/*.test.ts",
          ],
          testTimeout: 60_000,
          // Hooks upload logs and start workers: on a loaded machine they take their time.
          hookTimeout: 120_000,
        },
      },
      workers("workers", {
        include: ["test/worker/**/*.test.ts"],
        exclude: [WATCHDOG_FILES],
      }),
      // The watchdog's tests share the one fake of the DNS providers and the webhook receiver
      // (each resets it and reads what was written to it): one file at a time, after the rest.
      workers("watchdog", {
        include: [WATCHDOG_FILES],
        maxWorkers: 1,
        sequence: { groupOrder: 1 },
      }),
    ],
  },
});

/**
 * Cloudflare's DNS-over-HTTPS JSON API (developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/
 * make-api-requests/dns-json): PTR answers for 66.249.0.0/16 (Google's crawlers and feed fetchers),
 * NXDOMAIN (Status 3, no Answer) for every other address.
 */
function fakeDoh(url: URL): Response {
  const name = url.searchParams.get("name") ?? "";
  const type = url.searchParams.get("type");
  const m = /^(\d+)\.(\d+)\.249\.66\.in-addr\.arpa$/.exec(name);
  const question = [{ name, type: 12 }];
  const body =
    m && type === "PTR"
      ? {
          Status: 0,
          TC: false,
          RD: true,
          RA: true,
          AD: false,
          CD: false,
          Question: question,
          Answer: [
            {
              name,
              type: 12,
              TTL: 3600,
              data: `rate-limited-proxy-66-249-${m[2]}-${m[1]}.google.com.`,
            },
          ],
        }
      : {
          Status: 3,
          TC: false,
          RD: true,
          RA: true,
          AD: false,
          CD: false,
          Question: question,
          Authority: [],
        };
  return Response.json(body, { headers: { "content-type": "application/dns-json" } });
}
