import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { TestSite } from "./helpers";
import { createSite } from "./helpers";

const url = (path: string) => `http://vigie.test${path}`;
const form = { "content-type": "application/x-www-form-urlencoded" };

/** The login form and the logout button: same-origin only, and a login body of a few KB at most. */
describe("login and logout", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createSite("login-site");
  });

  const login = (headers: Record<string, string>, body: BodyInit) =>
    SELF.fetch(url("/sites/login-site/login"), {
      method: "POST",
      redirect: "manual",
      headers: { ...form, ...headers },
      body,
    });
  const logout = (headers: Record<string, string>, method = "POST") =>
    SELF.fetch(url("/sites/login-site/logout"), {
      method,
      redirect: "manual",
      headers: { cookie: `vigie_read_login-site=${site.readToken}`, ...headers },
    });
  const right = () => new URLSearchParams({ token: site.readToken, next: "/sites/login-site/" });

  it.each<[string, Record<string, string>]>([
    ["another origin", { origin: "https://evil.example" }],
    ["an opaque origin", { origin: "null" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site", origin: "http://vigie.test" }],
  ])("from %s: logout and login are refused (403), no cookie set or cleared", async (_, h) => {
    const out = await logout(h);
    expect(out.status).toBe(403);
    expect(out.headers.get("set-cookie")).toBeNull();
    const into = await login(h, right());
    expect(into.status).toBe(403);
    expect(into.headers.get("set-cookie")).toBeNull();
  });

  it("from this origin (or a client that is no browser) both work", async () => {
    for (const h of [
      { origin: "http://vigie.test", "sec-fetch-site": "same-origin" } as Record<string, string>,
      // What Chromium sends from a page with Referrer-Policy: no-referrer (ours): Origin null.
      { origin: "null", "sec-fetch-site": "same-origin" },
      { origin: "http://vigie.test" },
      {},
    ]) {
      const into = await login(h, right());
      expect(into.status).toBe(303);
      expect(into.headers.get("set-cookie")).toMatch(/^vigie_read_login-site=vgr_/);
      const out = await logout(h);
      expect(out.status).toBe(303);
      expect(out.headers.get("set-cookie")).toMatch(/^vigie_read_login-site=;.*Max-Age=0/);
    }
  });

  it("a GET never logs out", async () => {
    const res = await logout({}, "GET");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("a form over 4 KB is answered 413 with the form and an error, no cookie", async () => {
    const body = new URLSearchParams({ token: site.readToken, next: "x".repeat(5000) });
    const res = await login({}, body);
    expect(res.status).toBe(413);
    expect(res.headers.get("set-cookie")).toBeNull();
    const html = await res.text();
    expect(html).toContain('name="token"');
    expect(html).toContain("That form is too large.");
  });

  it("a huge streamed form is refused after reading about the limit, not all of it", async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`token=${"a".repeat(64 * 1024 - 6)}`);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 32 * 1024 * 1024) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await login({}, stream);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(1024 * 1024);
  });
});
