import { env, SELF } from "cloudflare:test";
import { gzip } from "pako";
import { beforeAll, describe, expect, it } from "vitest";
import { hashToken, newToken } from "../../worker/auth/tokens";
import { createSite, dumpDatabase, sha256Hex } from "./helpers";
import type { TestSite } from "./helpers";

/**
 * Every authenticated route, with every token that is not its own: 401 JSON (or the login page for
 * HTML), and nothing written. Agent and node tokens never read; read tokens never write data.
 */
describe("wrong tokens on every route", () => {
  let site: TestSite;
  let other: TestSite;
  let nodeToken: string;
  beforeAll(async () => {
    site = await createSite("guarded");
    other = await createSite("other-site");
    nodeToken = newToken("node");
    await env.DB.prepare(
      "INSERT INTO nodes (site_id, node, role, token_hash, created_at) VALUES (?1, 'home', 'master', ?2, 0)",
    )
      .bind(site.id, await hashToken(nodeToken))
      .run();
  });

  const body = gzip('1.2.3.4 - - [17/May/2015:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n');
  const routes: {
    name: string;
    method: string;
    path: string;
    kind: "agent" | "read" | "node";
    html?: boolean;
    body?: () => Promise<RequestInit>;
  }[] = [
    {
      name: "ingest",
      method: "POST",
      path: "/api/v1/ingest?site=guarded&source=s&start=0&end=71",
      kind: "agent",
      body: async () => ({ body, headers: { "x-content-sha256": await sha256Hex(body) } }),
    },
    { name: "open a run", method: "POST", path: "/api/v1/runs?site=guarded", kind: "agent" },
    { name: "end a run", method: "POST", path: "/api/v1/runs/1/end?site=guarded", kind: "agent" },
    {
      name: "chunks held",
      method: "GET",
      path: "/api/v1/chunks?site=guarded&source=s",
      kind: "agent",
    },
    {
      name: "heartbeat",
      method: "POST",
      path: "/api/v1/heartbeat",
      kind: "node",
      body: async () => ({
        body: "{}",
        headers: { "content-type": "application/json", "cf-connecting-ip": "81.2.69.160" },
      }),
    },
    {
      name: "summary",
      method: "GET",
      path: "/api/v1/sites/guarded/summary?month=2015-05",
      kind: "read",
    },
    { name: "years", method: "GET", path: "/api/v1/sites/guarded/years", kind: "read" },
    { name: "a year", method: "GET", path: "/api/v1/sites/guarded/years/2015", kind: "read" },
    { name: "a month", method: "GET", path: "/api/v1/sites/guarded/months/2015-05", kind: "read" },
    {
      name: "a panel",
      method: "GET",
      path: "/api/v1/sites/guarded/panels/pages?month=2015-05",
      kind: "read",
    },
    {
      name: "a panel as CSV",
      method: "GET",
      path: "/api/v1/sites/guarded/panels/pages?month=2015-05&format=csv",
      kind: "read",
    },
    { name: "export", method: "GET", path: "/api/v1/sites/guarded/export", kind: "read" },
    {
      name: "watchdog status",
      method: "GET",
      path: "/api/v1/sites/guarded/watchdog",
      kind: "read",
    },
    {
      name: "watchdog failback",
      method: "POST",
      path: "/api/v1/sites/guarded/watchdog/failback",
      kind: "read",
    },
    {
      name: "an unknown route under the site",
      method: "GET",
      path: "/api/v1/sites/guarded/nope",
      kind: "read",
    },
    { name: "index page", method: "GET", path: "/sites/guarded/", kind: "read", html: true },
    { name: "month page", method: "GET", path: "/sites/guarded/2015-05", kind: "read", html: true },
    { name: "year page", method: "GET", path: "/sites/guarded/2015", kind: "read", html: true },
    {
      name: "watchdog page",
      method: "GET",
      path: "/sites/guarded/watchdog",
      kind: "read",
      html: true,
    },
  ];

  const cases = routes.flatMap((r) =>
    ["none", "garbage", "agent", "read", "node", "other site's"]
      .filter((t) => t !== r.kind)
      .map((token) => ({ ...r, token })),
  );
  it.each(cases)("$name with $token token → 401, nothing written", async (r) => {
    const token = {
      none: "",
      garbage: "vgr_garbage",
      agent: site.agentToken,
      read: site.readToken,
      node: nodeToken,
      "other site's": r.kind === "agent" ? other.agentToken : other.readToken,
    }[r.token as string]!;
    const before = await dumpDatabase();
    const init = r.body ? await r.body() : {};
    const headers = new Headers(init.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    const res = await SELF.fetch(`http://vigie.test${r.path}`, {
      ...init,
      method: r.method,
      headers,
    });
    expect(res.status).toBe(401);
    if (r.html) expect(await res.text()).toContain('name="token"');
    else
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect(await dumpDatabase()).toEqual(before);
  });
});
