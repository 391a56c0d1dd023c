/**
 * The pages in English and French: the catalogs agree, the language comes from the switch's
 * cookie or Accept-Language, caches keep one copy per language, and the French month page shows
 * no English word of the interface (checked against every value of the English catalog).
 */
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { en } from "../../worker/i18n/en";
import { fr } from "../../worker/i18n/fr";
import { LANGUAGES } from "../../worker/i18n/languages";
import { pickLang } from "../../worker/i18n/negotiate";
import { translator } from "../../worker/i18n/translator";
import { vhostLog } from "../vhost-log";
import type { TestSite } from "./helpers";
import { createSite, uploadRange } from "./helpers";
import { basjesText, read, standardSite } from "./reports-data";

/**
 * Messages the same in both languages, on purpose: symbols, codes, proper and borrowed words, and
 * units (a number and its unit joined by a no-break space). A new identical pair fails the test
 * below until it is listed here.
 */
const SAME_IN_FRENCH = new Set([
  "site.title",
  "year.title",
  "error.title",
  "month.title",
  "panelPage.title",
  "tile.pages",
  "col.pages",
  "col.rank",
  "col.pct",
  "col.source",
  "col.page",
  "year.images",
  "hours.cell",
  "hours.range",
  "panel.pages.title",
  "panel.pages.key",
  "panel.referring-sites.key",
  "panel.browser-versions.key",
  "panel.robots.title",
  "panel.robots.key",
  "key.mobile",
  "key.robot",
  "key.IPv4",
  "key.IPv6",
  "key.0-30s",
  "key.30s-2m",
  "key.2-5m",
  "key.5-15m",
  "key.15-30m",
  "key.30m-1h",
  "panel.ip-versions.key",
  "status.200",
  "unit.bytes",
  "dur.ms",
  "dur.s",
  "dur.min",
  "age.s",
  "age.min",
  "age.h",
  "age.hmin",
  "time.utc",
  "wd.col.v4",
  "wd.col.v6",
  "wd.col.agent",
  "csv.pages",
  "csv.max",
  "gl.page",
  "gl.robot",
]);

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/**
 * The words a page shows of its own: its text and its tooltips (title, aria-label), without what
 * strangers wrote (every such value is in a <bdi>, see views/ext.tsx).
 */
function interfaceText(html: string): string {
  // Log data is not interface: what <bdi> isolates, and a panel key's title (the whole key).
  const own = html
    .replace(/<bdi>[\s\S]*?<\/bdi>/g, " ")
    .replace(/(<td class="k"[^>]*?) title="[^"]*"/g, "$1");
  const tips = [...own.matchAll(/\s(?:title|aria-label)="([^"]*)"/g)].map((m) => m[1]);
  return decode([own.replace(/<[^>]*>/g, "\n"), ...tips].join("\n"));
}

/**
 * A message as a pattern of the page's text: its text as it is (spaces too: a unit follows its
 * number after a no-break space), each parameter any text on the same line, whole words only.
 * Null when it has no letter outside its parameters.
 */
function pattern(message: string): RegExp | null {
  if (!/[A-Za-z]/.test(message.replace(/\{\w+\}/g, ""))) return null;
  const body = message
    .trim()
    .split(/\{\w+\}/)
    .map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^\\n]{1,80}?");
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "u");
}

/** The English messages of the interface a page shows, but those the same in French. */
function englishIn(html: string): [string, string][] {
  const text = interfaceText(html);
  return Object.entries(en).filter(([key, value]) => {
    if (SAME_IN_FRENCH.has(key)) return false;
    return pattern(value)?.test(text) ?? false;
  });
}

describe("pages in English and French", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await standardSite("langs");
  });
  const get = (path: string, headers: Record<string, string> = {}) =>
    SELF.fetch(`http://vigie.test${path}`, { headers: { ...read(site), ...headers } });

  it("both catalogs have the same keys, and each message the same parameters", () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en))
      expect(placeholders(fr[key as keyof typeof en]), key).toEqual(placeholders(text));
    for (const { catalog } of Object.values(LANGUAGES))
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
  });

  it("the messages the same in both languages are exactly those listed", () => {
    const same = Object.keys(en).filter(
      (k) => en[k as keyof typeof en] === fr[k as keyof typeof en],
    );
    expect(same.sort()).toEqual([...SAME_IN_FRENCH].sort());
  });

  it("the language: the switch's cookie, else Accept-Language by its q-values, else English", () => {
    expect(pickLang(undefined, undefined)).toBe("en");
    expect(pickLang(undefined, "fr-CA,fr;q=0.9,en;q=0.8")).toBe("fr");
    expect(pickLang(undefined, "de-DE, en;q=0.5, fr;q=0.8")).toBe("fr");
    expect(pickLang(undefined, "fr;q=0, en")).toBe("en");
    expect(pickLang(undefined, "de, es")).toBe("en");
    expect(pickLang("en", "fr")).toBe("en");
    expect(pickLang("xx", "fr")).toBe("fr");
  });

  it("numbers, months and days through Intl: French has 1 234 with a narrow no-break space, mai 2015, lundi", () => {
    const t = translator("fr");
    expect(t.int(1234)).toBe("1\u202f234");
    expect(t.month("2015-05")).toBe("mai 2015");
    expect(t.dateLong("2015-05-18")).toMatch(/^lundi 18 mai 2015$/);
    expect(t.bytes(1536)).toBe("1,50\u00a0Ko");
    expect(t.pct(1, 8)).toBe("12,5\u00a0%");
    expect(translator("en").int(1234)).toBe("1,234");
    expect(translator("en").bytes(1536)).toBe("1.50\u00a0KB");
  });

  it("the French month page shows no English word of the interface", async () => {
    const res = await get("/sites/langs/2015-05", { "accept-language": "fr-FR,fr;q=0.9" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="fr">/);
    expect(html).toContain("<small>mai 2015</small>");
    expect(html).toMatch(/<div class="v">\d{1,3}\u202f\d{3}<\/div>/);
    expect(englishIn(html)).toEqual([]);
    // The check sees English where there is some: on the English page, most messages it shows.
    const english = interfaceText(await (await get("/sites/langs/2015-05")).text());
    for (const key of ["days.title", "month.meta", "panel.keywords.note", "table.other"] as const)
      expect(pattern(en[key])!.test(english), key).toBe(true);
  });

  it("a log with virtual hosts: the French month page, and the month of one host, show no English word of the interface", async () => {
    const hosts = await createSite("langs-vhosts", { config: { siteHosts: ["semicomplete.com"] } });
    const log = new TextEncoder().encode(vhostLog(basjesText, 3));
    const res = await uploadRange(hosts, log, 0, log.length, { query: "&format=vhost_combined" });
    expect(res.status).toBe(200);
    for (const path of [
      "/sites/langs-vhosts/2015-10",
      "/sites/langs-vhosts/2015-10?vhost=www.example.org",
    ]) {
      const page = await SELF.fetch(`http://vigie.test${path}`, {
        headers: { ...read(hosts), "accept-language": "fr" },
      });
      const html = await page.text();
      expect(html).toContain('id="vhosts"');
      expect(englishIn(html), path).toEqual([]);
    }
  });

  it("a page varies by language: Vary, ETag and the page cache keep one copy per language", async () => {
    const enPage = await get("/sites/langs/2015-10");
    const frPage = await get("/sites/langs/2015-10", { "accept-language": "fr" });
    expect(enPage.headers.get("vary")).toMatch(/Cookie/);
    expect(enPage.headers.get("vary")).toMatch(/Accept-Language/);
    expect(enPage.headers.get("etag")).not.toBe(frPage.headers.get("etag"));
    expect(await frPage.text()).toContain('<html lang="fr">');
    await new Promise((r) => setTimeout(r, 50)); // the page cache is written after the answer
    const again = await get("/sites/langs/2015-10", { "accept-language": "fr" });
    expect(again.headers.get("x-vigie-cache")).toBe("hit");
    expect(await again.text()).toContain('<html lang="fr">');
    const english = await get("/sites/langs/2015-10", { "accept-language": "en" });
    expect(await english.text()).toContain('<html lang="en">');
    const stale = await get("/sites/langs/2015-10", {
      "accept-language": "fr",
      "if-none-match": enPage.headers.get("etag")!,
    });
    expect(stale.status).toBe(200);
  });

  it("the switch: a link to the other language; a year's cookie (SameSite=Lax) keeps it; back to the page", async () => {
    const html = await (await get("/sites/langs/2015?page=2")).text();
    expect(html).toContain(
      '<nav class="lang" aria-label="Language"><a href="/lang?to=fr&amp;next=%2Fsites%2Flangs%2F2015%3Fpage%3D2" hreflang="fr" lang="fr" rel="nofollow">Français</a></nav>',
    );
    const go = (q: Record<string, string>) =>
      SELF.fetch(`http://vigie.test/lang?${new URLSearchParams(q)}`, { redirect: "manual" });
    const res = await go({ to: "fr", next: "/sites/langs/2015?page=2" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sites/langs/2015?page=2");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^vigie_lang=fr;/);
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Max-Age=31536000");
    const frPage = await get("/sites/langs/2015", {
      cookie: "vigie_lang=fr",
      "accept-language": "en",
    });
    expect(await frPage.text()).toContain('<html lang="fr">');
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example", "x"])
      expect((await go({ to: "fr", next })).headers.get("location"), next).toBe("/");
    expect((await go({ to: "xx", next: "/sites/langs/" })).headers.get("set-cookie")).toBeNull();
  });

  it("the login form, error pages and CSV headers speak the reader's language", async () => {
    const login = await SELF.fetch("http://vigie.test/sites/langs/2015-05", {
      headers: { "accept-language": "fr" },
    });
    expect(login.status).toBe(401);
    const form = await login.text();
    expect(form).toContain('<html lang="fr">');
    expect(form).toContain("Jeton de lecture");
    const missing = await SELF.fetch("http://vigie.test/sites/nope/", {
      headers: { "accept-language": "fr" },
    });
    // An unknown site is answered like a private one (no name is confirmed), in French too.
    expect(missing.status).toBe(401);
    expect(await missing.text()).toContain("Jeton de lecture");
    const bad = await SELF.fetch("http://vigie.test/sites/langs/2015-13", {
      headers: { "accept-language": "fr", authorization: `Bearer ${site.readToken}` },
    });
    expect(await bad.text()).toContain('<html lang="fr">');
    const csv = (q: string) =>
      get(`/api/v1/sites/langs/panels/pages?month=2015-05&format=csv${q}`).then((r) => r.text());
    expect((await csv("")).split("\r\n")[0]).toBe("key,hits,pages,bytes,max,new,delta");
    expect((await csv("&lang=fr")).split("\r\n")[0]).toBe(
      "clé,requêtes,pages,octets,max,nouveau,écart",
    );
    const panel = await (
      await get("/sites/langs/2015-05/pages", { "accept-language": "fr" })
    ).text();
    expect(panel).toContain("&amp;format=csv&amp;lang=fr");
  });

  it("the glossary, in both languages, has an entry for every definition link of the month page", async () => {
    const month = await (await get("/sites/langs/2015-05")).text();
    const anchors = new Set(
      [...month.matchAll(/href="\/sites\/langs\/glossary#([\w-]+)"/g)].map((m) => m[1]),
    );
    expect(anchors.size).toBeGreaterThan(10);
    for (const lang of ["en", "fr"]) {
      const res = await get("/sites/langs/glossary", { "accept-language": lang });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang}">`);
      for (const a of anchors) expect(html, `${lang} #${a}`).toContain(`<dt id="${a}">`);
    }
    const frGlossary = await (
      await get("/sites/langs/glossary", { "accept-language": "fr" })
    ).text();
    expect(frGlossary).toContain("Visiteur unique");
  });

  it("every report page links the watchdog with its state; the caches follow the state", async () => {
    const pages = ["/", "/2015", "/2015-05", "/2015-05/pages", "/2015-05/robots?sort=bytes"];
    for (const path of pages) {
      const html = await (await get(`/sites/langs${path}`)).text();
      expect(html, path).toContain(
        '<a class="wd" data-state="UNWATCHED" href="/sites/langs/watchdog"',
      );
    }
    const before = await get("/sites/langs/2015-05");
    await env.DB.prepare(
      "INSERT INTO watchdog_state (site_id, state, since) VALUES (?1, 'STANDBY_ACTIVE', 0)",
    )
      .bind(site.id)
      .run();
    const after = await get("/sites/langs/2015-05", {
      "if-none-match": before.headers.get("etag")!,
    });
    expect(after.status).toBe(200);
    const html = await after.text();
    expect(html).toContain('data-state="STANDBY_ACTIVE"');
    expect(html).toContain("Watchdog <b>standby active</b>");
    const fr = await (await get("/sites/langs/2015", { "accept-language": "fr" })).text();
    expect(fr).toContain("Veille <b>secours actif</b>");
  });
});
