import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { translator } from "../../worker/i18n/translator";
import type { TestSite } from "./helpers";
import { createSite } from "./helpers";
import { read, semicompleteText, standardCore, standardSite, uploadText } from "./reports-data";

const page = async (site: TestSite, path: string) => {
  const res = await SELF.fetch(`http://vigie.test${path}`, { headers: read(site) });
  return { res, html: await res.text() };
};

describe("report pages (HTML)", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await standardSite("html");
  });

  it("the month page shows the core's figures in human units, with strict headers", async () => {
    const { res, html } = await page(site, "/sites/html/2015-05");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=UTF-8");
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toMatch(/^private/);
    expect(res.headers.get("etag")).toBeTruthy();
    const c = standardCore().all["2015-05"];
    const t = translator("en");
    for (const v of [
      t.int(c.visitors),
      t.int(c.visits),
      t.int(c.pages),
      t.int(c.hits),
      t.bytes(c.bytes),
      t.int(c.robotHits),
    ]) {
      expect(html).toContain(`<div class="v">${v}</div>`);
    }
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/);
  });

  it("no inline script, no style attribute, no event handler attribute anywhere", async () => {
    for (const path of [
      "/sites/html/",
      "/sites/html/2015",
      "/sites/html/2015-05",
      "/sites/html/2015-05/referers",
    ]) {
      const { html } = await page(site, path);
      expect(html.match(/<script[^>]*>/g), path).toEqual([
        expect.stringMatching(/^<script src="\/assets\/sort\.js\?v=\w+" defer="">$/),
      ]);
      expect(html, path).not.toMatch(/<script[^>]*>[^<]/);
      const names = attributeNames(html);
      expect(names).toEqual(expect.arrayContaining(["class", "href", "data-v", "viewbox"]));
      expect(
        names.filter((n) => n === "style" || n.startsWith("on")),
        path,
      ).toEqual([]);
    }
  });

  it("strangers' markup is escaped; a javascript: referer is never a link; links carry rel=noopener noreferrer nofollow", async () => {
    const pages = await Promise.all(
      [
        "/sites/html/2015-05",
        "/sites/html/2015-05/pages",
        "/sites/html/2015-05/referers",
        "/sites/html/2015-05/feeds",
        "/sites/html/2015-05/keywords",
      ].map((p) => page(site, p)),
    );
    const all = pages.map((p) => p.html).join("\n");
    expect(all).not.toContain("<script>alert");
    expect(all).not.toContain("<img");
    expect(all).toContain("&lt;script&gt;alert(4)&lt;/script&gt;");
    expect(all).toContain("&lt;script&gt;alert(8)&lt;/script&gt;");
    expect(all).toContain("/&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(all).toContain("&lt;script&gt;alert(7)&lt;/script&gt;");
    expect(all).not.toMatch(/href="javascript:/i);
    expect(all).toContain("javascript:alert(6)//");
    const anchors = all.match(/<a [^>]*href="https?:[^"]*"[^>]*>/g)!;
    expect(anchors.length).toBeGreaterThan(5);
    for (const a of anchors) expect(a).toContain('rel="noopener noreferrer nofollow"');
    // The referer link is the parsed URL: percent-encoded, it cannot leave its attribute.
    expect(all).toContain(
      '<a class="key" href="http://evil.example//%22%3E%3Cimg%20src=x%20onerror=alert(3)%3E" rel="noopener noreferrer nofollow"',
    );
  });

  it("keywords and downloads changed by the last run are highlighted", async () => {
    const { html } = await page(site, "/sites/html/2015-05");
    const keywords = html.slice(html.indexOf('id="keywords"'), html.indexOf('id="downloads"'));
    expect(keywords).toContain('<tr class="changed">');
    expect(keywords).toContain('<span class="badge">new</span>');
    expect(keywords).toMatch(/<span class="badge">\+\d+<\/span>/);
  });

  it("a panel is paginated past its top rows; sortable tables have header buttons", async () => {
    const { html } = await page(site, "/sites/html/2015-05");
    expect(html).toContain('href="/sites/html/2015-05/pages">All ');
    expect(html).toContain('<table class="sortable" data-panel="pages">');
    const p1 = await page(site, "/sites/html/2015-05/pages");
    const p2 = await page(site, "/sites/html/2015-05/pages?page=2");
    // 200 pages since .jar, .log, .conf… are downloads or assets, not pages (issue 19).
    expect(p1.html).toContain("page 1 of 2");
    expect(p1.html).toContain('href="/sites/html/2015-05/pages?page=2"');
    expect(p2.html).toContain("page 2 of 2");
    expect(p2.html).toContain('<td class="n hide-s" data-v="101">101</td>');
  });

  it("the index and the year page list the months; the assets are served with long caching", async () => {
    const idx = await page(site, "/sites/html/");
    expect(idx.html).toContain('href="/sites/html/2015-05"');
    expect(idx.html).toContain('href="/sites/html/2015-10"');
    const year = await page(site, "/sites/html/2015");
    expect(year.html).toContain("2015 in review");
    expect(year.html).toContain("Top pages of 2015");
    expect(year.html).toContain('href="/sites/html/2015?page=2#top-pages"');
    const past = await SELF.fetch("http://vigie.test/sites/html/2015?page=999", {
      headers: read(site),
    });
    expect(past.status).toBe(404);
    expect(await past.text()).toContain("The top pages of 2015 have no page 999.");
    const css = idx.html.match(/href="(\/assets\/vigie\.css\?v=\w+)"/)![1];
    const res = await SELF.fetch(`http://vigie.test${css}`);
    expect(res.headers.get("content-type")).toMatch(/^text\/css/);
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect((await SELF.fetch("http://vigie.test/assets/nope.js")).status).toBe(404);
    expect(
      (await SELF.fetch("http://vigie.test/sites/html", { redirect: "manual" })).headers.get(
        "location",
      ),
    ).toBe("/sites/html/");
  });

  it("days without any data are gaps, never zeros; a run of them is one row", async () => {
    const gappy = await createSite("gappy", { config: { siteHosts: ["semicomplete.com"] } });
    await uploadText(
      gappy,
      `${semicompleteText
        .split("\n")
        .filter((l) => l && !l.includes("[18/May/2015"))
        .join("\n")}\n`,
      "log",
      2,
    );
    const m = (await (
      await SELF.fetch("http://vigie.test/api/v1/sites/gappy/months/2015-05", {
        headers: read(gappy),
      })
    ).json()) as { gaps: string[]; days: { date: string }[] };
    expect(m.days.map((d) => d.date)).toEqual(["2015-05-17", "2015-05-19", "2015-05-20"]);
    expect(m.gaps).toEqual([
      "2015-05-18",
      ...Array.from({ length: 11 }, (_, i) => `2015-05-${21 + i}`),
    ]);
    const { html } = await page(gappy, "/sites/gappy/2015-05");
    expect(html.match(/<tr class="gap">/g)).toHaveLength(2);
    expect(html).toMatch(
      /<tr class="gap"><td colspan="7" data-v="2015-05-18"[^>]*>no data, 18 May<\/td>/,
    );
    expect(html).toMatch(
      /<tr class="gap"><td colspan="7" data-v="2015-05-21"[^>]*>no data, 21\s?–\s?31 May<\/td>/,
    );
    expect(html).toMatch(/Monday,? 18 May 2015: no data \(gap\)/);
    const fr = await SELF.fetch("http://vigie.test/sites/gappy/2015-05", {
      headers: { ...read(gappy), "accept-language": "fr" },
    });
    expect(await fr.text()).toMatch(/>aucune donnée, 21\s?–\s?31 mai<\/td>/);
  });

  it("a month page costs 2 + 7 D1 queries (the site, the watchdog's state, then one batch); the next reader, and a current ETag, only the first two", async () => {
    let queries = 0;
    let batches = 0;
    const counting = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch")
          return (stmts: D1PreparedStatement[]) => {
            batches++;
            queries += stmts.length;
            return target.batch(stmts);
          };
        if (prop === "prepare") {
          return (sql: string) => {
            const stmt = target.prepare(sql);
            return new Proxy(stmt, {
              get(s, p) {
                if (p === "bind") return (...args: unknown[]) => wrapRun(s.bind(...args));
                return wrapRun(s)[p as keyof D1PreparedStatement];
              },
            });
          };
        }
        return Reflect.get(target, prop);
      },
    });
    function wrapRun(s: D1PreparedStatement): D1PreparedStatement {
      return new Proxy(s, {
        get(t, p) {
          const v = Reflect.get(t, p);
          if (p === "first" || p === "all" || p === "run" || p === "raw")
            return (...a: unknown[]) => {
              queries++;
              return (v as (...x: unknown[]) => unknown).apply(t, a);
            };
          return typeof v === "function" ? v.bind(t) : v;
        },
      });
    }
    const app = createApp();
    // The page cache is written after the answer (waitUntil): kept here, so the test can wait for it.
    const later: Promise<unknown>[] = [];
    const ctx = {
      waitUntil(p: Promise<unknown>) {
        later.push(p);
      },
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext;
    const get = (headers: Record<string, string> = {}) =>
      app.fetch(
        new Request("http://vigie.test/sites/html/2015-10", {
          headers: { ...read(site), ...headers },
        }),
        { ...env, DB: counting },
        ctx,
      );
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get("server-timing")).toMatch(/^d1;desc="SQL, 1 batch";dur=[\d.]+$/);
    expect({ queries, batches }).toEqual({ queries: 9, batches: 1 });
    const html = await res.text();
    expect(later.length).toBeGreaterThan(0);
    await Promise.all(later);
    queries = 0;
    const cached = await get();
    expect(cached.headers.get("x-vigie-cache")).toBe("hit");
    expect(await cached.text()).toBe(html);
    expect(cached.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(queries).toBe(2);
    queries = 0;
    const again = await get({ "if-none-match": res.headers.get("etag")! });
    expect(again.status).toBe(304);
    expect(queries).toBe(2);
    // A new chunk moves the site's version: the cached page is not served any more.
    await uploadText(
      site,
      `9.9.9.9 - - [27/Oct/2015:10:00:00 +0100] "GET /new HTTP/1.1" 200 10 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/38.0"\n`,
      "late",
      1,
    );
    const fresh = await app.fetch(
      new Request("http://vigie.test/sites/html/2015-10", { headers: read(site) }),
      env,
      ctx,
    );
    expect(fresh.headers.get("x-vigie-cache")).toBeNull();
    expect(await fresh.text()).not.toBe(html);
  });
});

/** Every attribute name of every tag (values are always double-quoted and escaped by hono/jsx). */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    const attrs = tag.replace(/^<[a-zA-Z0-9-]+/, "").replace(/"[^"]*"/g, '""');
    for (const m of attrs.matchAll(/([^\s=/>]+)(?==|\s|\/?>)/g)) names.push(m[1].toLowerCase());
  }
  return names;
}
