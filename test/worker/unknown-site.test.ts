import { SELF } from "cloudflare:test";
import { gzip } from "pako";
import { beforeAll, describe, expect, it } from "vitest";
import type { TestSite } from "./helpers";
import { createSite, dumpDatabase, sha256Hex } from "./helpers";

/**
 * An unknown site is answered exactly like a known one with a wrong token, on every route: same
 * status, same headers that matter, same body (the name the request gave aside), and nothing
 * written. Otherwise the answers would tell anyone which site names exist.
 */
describe("an unknown site answers as a wrong token does", () => {
  let other: TestSite;
  beforeAll(async () => {
    await createSite("known-site");
    other = await createSite("other-site");
  });

  const body = gzip('1.2.3.4 - - [17/May/2015:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n');
  const routes: {
    name: string;
    method: string;
    path: string;
    init?: () => Promise<RequestInit>;
  }[] = [
    {
      name: "ingest",
      method: "POST",
      path: "/api/v1/ingest?site=NAME&source=s&start=0&end=71",
      init: async () => ({ body, headers: { "x-content-sha256": await sha256Hex(body) } }),
    },
    { name: "open a run", method: "POST", path: "/api/v1/runs?site=NAME" },
    { name: "end a run", method: "POST", path: "/api/v1/runs/1/end?site=NAME" },
    { name: "chunks held", method: "GET", path: "/api/v1/chunks?site=NAME&source=s" },
    { name: "summary", method: "GET", path: "/api/v1/sites/NAME/summary?month=2015-05" },
    { name: "years", method: "GET", path: "/api/v1/sites/NAME/years" },
    { name: "a year", method: "GET", path: "/api/v1/sites/NAME/years/2015" },
    { name: "a month", method: "GET", path: "/api/v1/sites/NAME/months/2015-05" },
    { name: "a panel", method: "GET", path: "/api/v1/sites/NAME/panels/pages?month=2015-05" },
    { name: "export", method: "GET", path: "/api/v1/sites/NAME/export" },
    { name: "an unknown API route", method: "GET", path: "/api/v1/sites/NAME/nope" },
    { name: "the old import route", method: "POST", path: "/api/v1/sites/NAME/import" },
    { name: "watchdog status", method: "GET", path: "/api/v1/sites/NAME/watchdog" },
    { name: "watchdog command", method: "POST", path: "/api/v1/sites/NAME/watchdog/hold" },
    { name: "index page", method: "GET", path: "/sites/NAME/" },
    { name: "year page", method: "GET", path: "/sites/NAME/2015" },
    { name: "month page", method: "GET", path: "/sites/NAME/2015-05" },
    { name: "panel page", method: "GET", path: "/sites/NAME/2015-05/pages" },
    { name: "an unknown page", method: "GET", path: "/sites/NAME/nope/x/y" },
    { name: "watchdog page", method: "GET", path: "/sites/NAME/watchdog" },
    { name: "watchdog button", method: "POST", path: "/sites/NAME/watchdog/hold" },
    {
      name: "login form",
      method: "POST",
      path: "/sites/NAME/login",
      init: async () => ({
        body: new URLSearchParams({ token: "vgr_wrong", next: "/sites/NAME/" }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    },
  ];
  const tokens = ["none", "garbage", "another site's agent", "another site's read"] as const;
  const cases = routes.flatMap((r) => tokens.map((token) => ({ ...r, token })));

  async function answer(r: (typeof cases)[number], name: string) {
    const init = r.init ? await r.init() : {};
    const headers = new Headers(init.headers);
    const token = {
      none: "",
      garbage: "vgr_garbage",
      "another site's agent": other.agentToken,
      "another site's read": other.readToken,
    }[r.token];
    if (token) headers.set("authorization", `Bearer ${token}`);
    const res = await SELF.fetch(`http://vigie.test${r.path.replace("NAME", name)}`, {
      ...init,
      body: typeof init.body === "string" ? init.body.replaceAll("NAME", name) : init.body,
      method: r.method,
      headers,
      redirect: "manual",
    });
    const text = (await res.text()).replaceAll(name, "NAME");
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      cache: res.headers.get("cache-control"),
      cookie: res.headers.get("set-cookie"),
      text,
    };
  }

  it.each(cases)("$name, $token token", async (r) => {
    const before = await dumpDatabase();
    const known = await answer(r, "known-site");
    const unknown = await answer(r, "nosuch-site");
    expect(unknown).toEqual(known);
    expect(known.status).toBe(401);
    expect(await dumpDatabase()).toEqual(before);
  });
});
