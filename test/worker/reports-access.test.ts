import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { TestSite } from "./helpers";
import { createSite } from "./helpers";
import { standardSite } from "./reports-data";

/** Every route under /api/v1/sites/NAME/. */
const API_ROUTES = [
  "/summary?month=2015-05",
  "/years",
  "/years/2015",
  "/months/2015-05",
  "/panels/pages?month=2015-05",
  "/panels/keywords?month=2015-05&format=csv",
  "/export",
  "/no-such-route",
];
const HTML_ROUTES = ["/", "/2015", "/2015-05", "/2015-05/pages", "/2015-05/nope"];

const url = (path: string) => `http://vigie.test${path}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("report access: private by default, the read token only", () => {
  let site: TestSite;
  let nodeToken: string;
  beforeAll(async () => {
    site = await standardSite("priv");
    await createSite("pub", { public: true });
    // A node token of this site (watchdog heartbeats): it must not read either.
    nodeToken = `vgn_${"n".repeat(43)}`;
    const { hashToken } = await import("../../worker/auth/tokens");
    await env.DB.prepare(
      "INSERT INTO nodes (site_id, node, role, token_hash, created_at) VALUES (?1, 'box', 'master', ?2, 0)",
    )
      .bind(site.id, await hashToken(nodeToken))
      .run()
      .catch(() => undefined);
  });

  const cases = (routes: string[]) =>
    routes.flatMap(
      (r) =>
        [
          ["none", r],
          ["agent", r],
          ["node", r],
          ["wrong", r],
        ] as const,
    );

  it.each(cases(API_ROUTES))("API %s token on %s → 401 JSON", async (kind, route) => {
    const headers =
      kind === "none"
        ? {}
        : bearer(kind === "agent" ? site.agentToken : kind === "node" ? nodeToken : "vgr_wrong");
    const res = await SELF.fetch(url(`/api/v1/sites/priv${route}`), { headers });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it.each(API_ROUTES)("API read token on %s → 200 (404 for an unknown route)", async (route) => {
    const res = await SELF.fetch(url(`/api/v1/sites/priv${route}`), {
      headers: bearer(site.readToken),
    });
    expect(res.status).toBe(route === "/no-such-route" ? 404 : 200);
  });

  it.each(cases(HTML_ROUTES))(
    "page %s token on %s → 401 with the login form",
    async (kind, route) => {
      const headers =
        kind === "none"
          ? {}
          : bearer(kind === "agent" ? site.agentToken : kind === "node" ? nodeToken : "vgr_wrong");
      const res = await SELF.fetch(url(`/sites/priv${route}`), { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      const html = await res.text();
      expect(html).toContain('<form class="login" method="post" action="/sites/priv/login">');
      expect(html).toContain(`name="next" value="/sites/priv${route}"`);
      expect(html).not.toMatch(/\d{1,3},\d{3} /); // no figure leaks
    },
  );

  it.each(HTML_ROUTES)(
    "page read token (bearer) on %s → 200 (404 for an unknown panel)",
    async (route) => {
      const res = await SELF.fetch(url(`/sites/priv${route}`), { headers: bearer(site.readToken) });
      expect(res.status).toBe(route.endsWith("nope") ? 404 : 200);
    },
  );

  it("the login form: a wrong token or the agent token → 401 form with an error; the read token → cookie and back", async () => {
    const form = (token: string, next = "/sites/priv/2015-05") =>
      SELF.fetch(url("/sites/priv/login"), {
        method: "POST",
        redirect: "manual",
        body: new URLSearchParams({ token, next }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    for (const bad of ["vgr_wrong", site.agentToken, ""]) {
      const res = await form(bad);
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.text()).toContain("not this site&#39;s read token");
    }
    const ok = await form(site.readToken);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/sites/priv/2015-05");
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^vigie_read_priv=vgr_/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    const jar = cookie.split(";")[0];
    for (const path of [
      "/sites/priv/",
      "/sites/priv/2015-05",
      "/api/v1/sites/priv/months/2015-05",
    ]) {
      expect((await SELF.fetch(url(path), { headers: { cookie: jar } })).status, path).toBe(200);
    }
    // The month page shows a logout button to a cookie reader; logging out clears the cookie.
    expect(
      await (await SELF.fetch(url("/sites/priv/2015-05"), { headers: { cookie: jar } })).text(),
    ).toContain('action="/sites/priv/logout"');
    const out = await SELF.fetch(url("/sites/priv/logout"), {
      method: "POST",
      redirect: "manual",
      headers: { cookie: jar, origin: "http://vigie.test", "sec-fetch-site": "same-origin" },
    });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^vigie_read_priv=;.*Max-Age=0/);
  });

  it("over https the cookie is Secure; a next that leaves the site is replaced by the site's index", async () => {
    const res = await SELF.fetch("https://vigie.test/sites/priv/login", {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ token: site.readToken, next: "//evil.example/x" }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toContain("Secure");
    expect(res.headers.get("location")).toBe("/sites/priv/");
  });

  it("another site's read token does not open this one", async () => {
    const other = await createSite("other");
    expect(
      (await SELF.fetch(url("/sites/priv/2015-05"), { headers: bearer(other.readToken) })).status,
    ).toBe(401);
    expect(
      (
        await SELF.fetch(url("/api/v1/sites/priv/months/2015-05"), {
          headers: { cookie: `vigie_read_priv=${other.readToken}` },
        })
      ).status,
    ).toBe(401);
  });

  it("a public site needs no token, on pages and JSON", async () => {
    for (const path of [
      "/sites/pub/",
      "/api/v1/sites/pub/years",
      "/api/v1/sites/pub/months/2015-05",
    ]) {
      expect((await SELF.fetch(url(path))).status, path).toBe(200);
    }
  });

  it("an unknown site is 401 on pages and JSON, as a private one (test/worker/unknown-site.test.ts)", async () => {
    expect((await SELF.fetch(url("/sites/nope/"))).status).toBe(401);
    expect((await SELF.fetch(url("/api/v1/sites/nope/months/2015-05"))).status).toBe(401);
  });
});
