import { describe, expect, it } from "vitest";
import { analyzeText } from "../../worker/core/analyze";
import { Analyzer } from "../../worker/core/analyzer";
import { goaccessDailyVisitors, monthReport } from "../../worker/core/report";
import type { AnalysisConfig } from "../../worker/core/config";
import { robotRules } from "../../worker/core/config";
import { readFileSync } from "node:fs";
import {
  BASJES,
  config,
  fixture,
  geo,
  plain,
  readFixture,
  SEMICOMPLETE,
  semicompleteConfig,
} from "./fixtures";

const rules = (c: AnalysisConfig) => robotRules(c);
function report(text: string, c: AnalysisConfig = semicompleteConfig()) {
  const p = analyzeText(text, c, geo());
  const months = Object.keys(p.months).sort();
  return { partial: p, months, reports: months.map((m) => monthReport(m, p.months[m], rules(c))) };
}
const find = <R extends { key: string }>(rows: R[], key: string) => rows.find((r) => r.key === key);

/** Builds a combined line; only what a case needs varies. */
function line(o: {
  ip?: string;
  t?: string;
  req?: string;
  status?: number;
  bytes?: number | "-";
  ref?: string;
  ua?: string;
}) {
  return `${o.ip ?? "192.0.2.1"} - - [${o.t ?? "17/May/2015:10:00:00 +0000"}] "${o.req ?? "GET / HTTP/1.1"}" ${o.status ?? 200} ${o.bytes ?? 100} "${o.ref ?? "-"}" "${o.ua ?? "Mozilla/5.0 (X11; Linux x86_64; rv:38.0) Gecko/20100101 Firefox/38.0"}"`;
}

describe("the semicomplete log (real traffic of a personal site)", () => {
  const semi = report(readFixture(SEMICOMPLETE));
  const may = semi.reports[0];

  it("totals agree with every other analyzer: 10,000 hits, 2,747,282,740 bytes, 213 × 404", () => {
    expect(semi.months).toEqual(["2015-05"]);
    expect(semi.partial.lines).toBe(10_000);
    expect(semi.partial.rejected).toBe(0);
    expect(may.hits).toBe(10_000);
    expect(may.bytes).toBe(2_747_282_740);
    expect(find(may.panels.status, "404")?.hits).toBe(213);
    expect(find(may.panels.status, "304")?.hits).toBe(445);
    expect(may.panels["not-found"].reduce((n, r) => n + r.hits, 0)).toBe(213);
  });

  it("daily unique visitors under GoAccess's definition equal GoAccess 1.7's: 359 / 643 / 570 / 523", () => {
    expect(goaccessDailyVisitors(semi.partial.months["2015-05"])).toEqual({
      "2015-05-17": 359,
      "2015-05-18": 643,
      "2015-05-19": 570,
      "2015-05-20": 523,
    });
  });

  it("human figures exclude robots and days add up to the month, except visitors (a distinct count)", () => {
    const sum = (k: "hits" | "pages" | "bytes" | "visits" | "visitors" | "robotHits") =>
      may.days.reduce((n, d) => n + d[k], 0);
    expect(may.days.map((d) => d.date)).toEqual([
      "2015-05-17",
      "2015-05-18",
      "2015-05-19",
      "2015-05-20",
    ]);
    expect(sum("hits")).toBe(may.hits);
    expect(sum("bytes")).toBe(may.bytes);
    expect(sum("pages")).toBe(may.pages);
    expect(sum("visits")).toBe(may.visits);
    expect(sum("robotHits")).toBe(may.robotHits);
    // visitors seen on several days count once in the month
    expect(may.visitors).toBeLessThan(sum("visitors"));
    expect(may.visitors).toBeGreaterThan(Math.max(...may.days.map((d) => d.visitors)));
    for (const d of may.days) {
      expect(d.visitors).toBeLessThan(
        goaccessDailyVisitors(semi.partial.months["2015-05"])[d.date],
      );
      expect(d.visits).toBeGreaterThanOrEqual(d.visitors);
    }
    expect(may.pages).toBeLessThan(may.hits - may.robotHits);
  });

  it("known crawlers are robots and their hits stay out of human panels", () => {
    const robots = may.panels.robots.map((r) => r.key);
    for (const name of ["Googlebot", "Baiduspider", "archive.org_bot", "Bingbot", "YandexBot"])
      expect(robots).toContain(name);
    expect(find(may.panels.browsers, "Googlebot")).toBeUndefined();
    const robotUaHits = may.panels.robots.reduce((n, r) => n + r.hits, 0);
    const browserHits = may.panels.browsers.reduce((n, r) => n + r.hits, 0);
    expect(robotUaHits + browserHits).toBe(10_000);
    expect(may.robotReasons["asked for /robots.txt"]).toBeGreaterThan(0);
    expect(may.robotHits).toBeGreaterThanOrEqual(robotUaHits);
  });

  it("line 8899 (unterminated user agent) is a Googlebot hit, not a rejected line", () => {
    const one = report(readFixture(SEMICOMPLETE).split("\n")[8898]);
    expect(one.partial.rejected).toBe(0);
    expect(one.reports[0].panels.robots.map((r) => r.key)).toEqual(["Googlebot"]);
  });

  it("lines 3029–3030 (percent-encoded windows-1251 bytes) parse and keep their path", () => {
    const lines = readFixture(SEMICOMPLETE).split("\n").slice(3028, 3030).join("\n");
    const r = report(lines);
    expect(r.partial.hits).toBe(2);
    expect(r.reports[0].panels.status.map((s) => s.key).sort()).toEqual(["200", "403"]);
  });

  it("search keywords: Google's empty q= is (not provided); terms are decoded and lowercased", () => {
    const kw = may.panels.keywords;
    expect(find(kw, "(not provided)")!.hits).toBeGreaterThan(100);
    expect(may.panels["search-engines"].map((r) => r.key)).toEqual(
      expect.arrayContaining(["Google", "Bing", "DuckDuckGo", "Yandex", "Baidu"]),
    );
    for (const r of kw) expect(r.key).toBe(r.key.toLowerCase());
  });

  it("found by image search: the real log's image-search referers, by path, humans only", () => {
    // By hand from the log: 40 human hits on googledotcom.png straight from Google Images, and
    // three pages reached from an image result (imgres / tbm=isch), each far from most of its views.
    const rows = may.panels["image-search"];
    expect(find(rows, "/images/googledotcom.png")).toMatchObject({ hits: 40, pages: 0 });
    expect(
      rows
        .filter((r) => r.pages > 0)
        .map((r) => [r.key, r.pages, find(may.panels.pages, r.key)!.pages]),
    ).toEqual([
      ["/blog/geekery/xvfb-firefox.html", 2, 30],
      ["/blog/tags/X11", 2, 8],
      ["/presentations/logstash-preso-1.0/", 1, 3],
    ]);
    expect(rows.reduce((n, r) => n + r.hits, 0)).toBe(56);
  });

  it("feed readers are their own panel, with subscribers where the agent states them", () => {
    const feeds = may.panels.feeds.map((r) => r.key);
    expect(feeds).toEqual(expect.arrayContaining(["Feedfetcher-Google", "Tiny Tiny RSS"]));
    const withSubs = may.panels.feeds.filter((r) => r.max > 0);
    expect(withSubs.length).toBeGreaterThan(0);
    // /blog/tags/puppet?flav=rss20 is a feed, never a page
    expect(may.panels.pages.some((p) => p.key.includes("flav"))).toBe(false);
  });

  it("a search engine's crawler is never a feed reader, its feed requests notwithstanding", () => {
    // Googlebot fetched feeds 92 times and Yahoo! Slurp once: the panel listed both by agent.
    const keys = may.panels.feeds.map((r) => r.key);
    expect(keys.filter((k) => /googlebot|slurp/i.test(k))).toEqual([]);
    expect(keys).toContain("Feedfetcher-Google");
  });

  it("countries come from the offline table and cover the human hits", () => {
    const humanHits = may.panels.browsers.reduce((n, r) => n + r.hits, 0);
    expect(may.panels.countries.reduce((n, r) => n + r.hits, 0)).toBe(humanHits);
    expect(may.panels.countries[0].key).toMatch(/^[A-Z]{2}$/);
    expect(find(may.panels.countries, "??")?.hits ?? 0).toBeLessThan(humanHits / 50);
  });

  it("entry pages count the human visits that viewed a page", () => {
    let withPage = 0;
    // Recomputed from the records with the definitions, address rules included.
    const days = [...semi.partial.months["2015-05"].visitorDays];
    const byAddress = new Map<string, typeof days>();
    for (const [key, v] of days) {
      const id = `${key.slice(0, 10)} ${v.addr}`;
      byAddress.set(id, [...(byAddress.get(id) ?? []), [key, v]]);
    }
    for (const group of byAddress.values()) {
      const vs = group.map(([, v]) => v);
      const agentsOf = vs.length;
      const probed = vs.some((v) => v.probes > 0);
      const noAsset = vs.every((v) => v.assets === 0);
      // (The crawl-rate rule has its own test: no address of this log reads 30 pages at speed.)
      if (probed || (agentsOf >= 5 && noAsset)) continue;
      for (const v of vs) {
        const own =
          v.uaRobot ||
          v.robotsTxt > 0 ||
          v.probes > 0 ||
          v.pages === 0 ||
          v.posts >= 4 ||
          (v.formPages > 0 && (v.assets === 0 || (v.posts > 0 && 2 * v.formPages > v.pages))) ||
          v.errors > 10;
        if (!own) withPage += v.spans.filter((s) => s.entry !== null).length;
      }
    }
    expect(may.panels.entry.reduce((n, r) => n + r.hits, 0)).toBe(withPage);
    expect(withPage).toBeGreaterThan(may.visits * 0.9);
    expect(find(may.panels.entry, "/")!.hits).toBeGreaterThan(10);
  });

  it("hours: hits of all hours make the month; visitors per hour come from human visitor-days", () => {
    expect(may.hours.reduce((n, h) => n + h.hits, 0)).toBe(10_000);
    expect(may.hours.reduce((n, h) => n + h.visits, 0)).toBe(may.visits);
    expect(Math.max(...may.hours.map((h) => h.visitors))).toBeLessThanOrEqual(may.visitors);
  });
});

describe("the basjes log (spam bots that never say so)", () => {
  const c = config({ siteHosts: ["howto.basjes.nl"] });
  const r = report(readFixture(BASJES), c);

  it("its form spam is not people: no login, join or password form among the top 10 human pages", () => {
    const top = r.reports[0].panels.pages.slice(0, 10).map((p) => p.key);
    expect(top.length).toBeGreaterThan(3);
    for (const key of top)
      expect(key).not.toMatch(/login_form|join_form|mail_password_form|require_login/);
    // Before the form rule, 505 visitor-days of 520 addresses counted as people; now a handful.
    expect(r.reports[0].robotReasons["forms without reading"]).toBeGreaterThan(500);
    expect(r.reports[0].visitors).toBeLessThan(30);
  });

  it("its POST loops are caught by behaviour: every (address, agent, day) with 4+ POSTs", () => {
    expect(r.partial.hits).toBe(3456);
    const oct = r.reports.find((x) => x.month === "2015-10")!;
    expect(oct.panels.robots).toEqual([]);
    // an independent count, straight from the text
    const posts = new Map<string, number>();
    for (const l of readFixture(BASJES).split("\n").filter(Boolean)) {
      const q = l.split('"');
      const key = `${l.split(" ")[0]} ${l.split("[")[1].slice(0, 11)} ${q[5]}`;
      if (q[1].startsWith("POST ")) posts.set(key, (posts.get(key) ?? 0) + 1);
    }
    const bursts = [...posts.values()].filter((n) => n >= 4).length;
    expect(bursts).toBeGreaterThan(30);
    expect(oct.robotReasons["burst of POSTs"]).toBe(bursts);
  });

  it("days use the log's own offset (+0100)", () => {
    const first = readFixture(BASJES).split("\n")[0];
    expect(first).toContain("[25/Oct/2015:04:11:25 +0100]");
    expect(r.reports[0].days[0].date).toBe("2015-10-25");
  });
});

describe("definitions, one rule at a time", () => {
  it("a page is 2xx or 304 on a non-asset path; every parsed line is a hit", () => {
    const r = report(
      [
        line({ req: "GET /a HTTP/1.1" }),
        line({ req: "GET /b.html HTTP/1.1", status: 304, bytes: "-" }),
        line({ req: "GET /c.png HTTP/1.1" }),
        line({ req: "GET /d HTTP/1.1", status: 404 }),
        line({ req: "GET /e HTTP/1.1", status: 301 }),
      ].join("\n"),
    ).reports[0];
    expect(r.hits).toBe(5);
    expect(r.panels.pages.map((p) => p.key).sort()).toEqual(["/a", "/b.html"]);
    expect(r.pages).toBe(2);
  });

  it("several pages in the same second all count (a bug IWLA had)", () => {
    const same = ["/1", "/2", "/3", "/4"].map((p) =>
      line({ req: `GET ${p} HTTP/1.1`, t: "31/May/2015:23:59:59 +0000" }),
    );
    const r = report(same.join("\n")).reports[0];
    expect(r.pages).toBe(4);
    expect(r.visits).toBe(1);
    // the last second of the last day of the month is analysed (another IWLA bug)
    expect(r.days.map((d) => d.date)).toEqual(["2015-05-31"]);
  });

  it("out-of-order lines across a month boundary, with referers (regression: a crash at the end)", () => {
    const r = report(
      [
        line({ t: "31/May/2015:23:59:59 +0000", ref: "https://a.example/x" }),
        line({ t: "01/Jun/2015:00:00:00 +0000", ref: "https://b.example/y" }),
        line({ t: "31/May/2015:23:59:58 +0000", ref: "https://c.example/z" }),
      ].join("\n"),
    );
    expect(r.months).toEqual(["2015-05", "2015-06"]);
    expect(r.reports[0].panels["referring-sites"].map((x) => x.key).sort()).toEqual([
      "a.example",
      "c.example",
    ]);
    expect(r.reports[1].panels["referring-sites"].map((x) => x.key)).toEqual(["b.example"]);
  });

  it("a visit ends after more than 30 minutes without a request, whatever the line order", () => {
    const at = (hms: string) => line({ t: `17/May/2015:${hms} +0000` });
    const lines = [at("10:00:00"), at("10:30:00"), at("11:00:01"), at("12:00:00"), at("11:30:00")];
    const r = report(lines.join("\n")).reports[0];
    // 10:00, 10:30 (exactly 30 min) | 11:00:01 (30 min 1 s later) 11:30 12:00 → 2 visits
    expect(r.visits).toBe(2);
    expect(r.visitors).toBe(1);
  });

  it("a unique visitor is (address, user agent) per day; the month counts distinct visitors", () => {
    const r = report(
      [
        line({ ip: "192.0.2.1", t: "17/May/2015:10:00:00 +0000" }),
        line({ ip: "192.0.2.1", t: "18/May/2015:10:00:00 +0000" }),
        line({
          ip: "192.0.2.1",
          t: "18/May/2015:10:00:00 +0000",
          ua: "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36",
        }),
        line({ ip: "192.0.2.2", t: "18/May/2015:10:00:00 +0000" }),
      ].join("\n"),
    ).reports[0];
    expect(r.days.map((d) => d.visitors)).toEqual([1, 3]);
    expect(r.visitors).toBe(3);
  });

  it.each([
    [
      "user agent",
      [line({ ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" })],
    ],
    [
      "asked for /robots.txt",
      [line({ req: "GET /robots.txt HTTP/1.1" }), line({ req: "GET / HTTP/1.1" })],
    ],
    [
      "no page views",
      [line({ req: "GET /logo.png HTTP/1.1" }), line({ req: "GET /style.css HTTP/1.1" })],
    ],
    [
      "burst of POSTs",
      [
        line({}),
        ...Array.from({ length: 4 }, () => line({ req: "POST /join_form HTTP/1.1", status: 302 })),
      ],
    ],
    [
      "many 4xx answers",
      [
        line({}),
        ...Array.from({ length: 11 }, (_, i) =>
          line({ req: `GET /missing/${i} HTTP/1.1`, status: 404 }),
        ),
      ],
    ],
    ["probed for weak spots", [line({}), line({ req: "GET /.env HTTP/1.1", status: 404 })]],
    ["forms without reading", [line({ req: "GET /login_form HTTP/1.1" })]],
    [
      "forms without reading",
      [
        line({ req: "GET / HTTP/1.1" }),
        line({ req: "GET /join_form HTTP/1.1" }),
        line({ req: "POST /join_form HTTP/1.1", status: 302 }),
        line({ req: "GET /login_form HTTP/1.1" }),
        line({ req: "POST /login_form HTTP/1.1", status: 200 }),
      ],
    ],
  ])("robot by behaviour: %s", (reason, lines) => {
    const r = report(lines.join("\n")).reports[0];
    expect(r.robotReasons).toEqual({ [reason]: 1 });
    expect(r.visitors).toBe(0);
    expect(r.pages).toBe(0);
    expect(r.robotHits).toBe(lines.length);
  });

  it("a probe path answered 200 is the site's own page, not a probe", () => {
    const r = report(line({ req: "GET /phpmyadmin/ HTTP/1.1", status: 200 })).reports[0];
    expect(r.visitors).toBe(1);
  });

  it("someone who opens the login page in a browser (its stylesheet loads) and leaves is a person", () => {
    const r = report(
      [line({ req: "GET /login_form HTTP/1.1" }), line({ req: "GET /style.css HTTP/1.1" })].join(
        "\n",
      ),
    ).reports[0];
    expect(r.visitors).toBe(1);
  });

  it("a reader who logs in after reading is a person", () => {
    const r = report(
      [
        line({ req: "GET /articles/ssh-security/ HTTP/1.1" }),
        line({ req: "GET /style.css HTTP/1.1" }),
        line({ req: "GET /login_form HTTP/1.1" }),
        line({ req: "POST /login_form HTTP/1.1", status: 302 }),
      ].join("\n"),
    ).reports[0];
    expect(r.visitors).toBe(1);
  });

  const agents = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `Mozilla/5.0 (X11; Linux x86_64; rv:${30 + i}.0) Gecko/20100101 Firefox/${30 + i}.0`,
    );

  it("an address rotating five agents without loading any asset is a robot, each agent of it", () => {
    const r = report(
      agents(5)
        .map((ua, i) => line({ ua, req: `GET /page-${i} HTTP/1.1` }))
        .join("\n"),
    ).reports[0];
    expect(r.robotReasons).toEqual({ "address rotating agents": 5 });
    expect(r.visitors).toBe(0);
  });

  it("five people behind one address (a NAT) who load stylesheets stay people", () => {
    const r = report(
      agents(5)
        .flatMap((ua, i) => [
          line({ ua, req: `GET /page-${i} HTTP/1.1` }),
          line({ ua, req: "GET /style.css HTTP/1.1" }),
        ])
        .join("\n"),
    ).reports[0];
    expect(r.robotReasons).toEqual({});
    expect(r.visitors).toBe(5);
  });

  it("an address that probes with one agent makes its other agents robots too", () => {
    const r = report(
      [
        line({ ua: agents(2)[0], req: "GET / HTTP/1.1" }),
        line({ ua: agents(2)[1], req: "GET /phpmyadmin/index.php HTTP/1.1", status: 404 }),
      ].join("\n"),
    ).reports[0];
    expect(r.robotReasons).toEqual({
      "probed for weak spots": 1,
      "address probed for weak spots": 1,
    });
  });

  it("thirty pages in ninety seconds from one address is a crawler; over half an hour, a reader", () => {
    const at = (s: number) =>
      `17/May/2015:10:${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")} +0000`;
    const fast = report(
      Array.from({ length: 30 }, (_, i) => line({ t: at(i * 3), req: `GET /p${i} HTTP/1.1` })).join(
        "\n",
      ),
    ).reports[0];
    expect(fast.robotReasons).toEqual({ "address crawling": 1 });
    const slow = report(
      Array.from({ length: 30 }, (_, i) =>
        line({ t: at(i * 60), req: `GET /p${i} HTTP/1.1` }),
      ).join("\n"),
    ).reports[0];
    expect(slow.visitors).toBe(1);
  });

  it("three POSTs in a day are still a person", () => {
    const r = report(
      [
        line({}),
        ...Array.from({ length: 3 }, () => line({ req: "POST /comment HTTP/1.1", status: 302 })),
      ].join("\n"),
    ).reports[0];
    expect(r.visitors).toBe(1);
  });

  it("downloads: a 2xx on a configured extension or path, 206 partial answers included", () => {
    const c = config({ downloadPaths: ["/files/"] });
    const r = report(
      [
        line({ req: "GET /dist/tool-1.0.tar.gz HTTP/1.1", bytes: 5000 }),
        line({ req: "GET /dist/tool-1.0.tar.gz HTTP/1.1", status: 206, bytes: 2000 }),
        line({ req: "GET /dist/missing.zip HTTP/1.1", status: 404 }),
        line({ req: "GET /files/notes HTTP/1.1" }),
      ].join("\n"),
      c,
    ).reports[0];
    expect(r.panels.downloads.map((d) => [d.key, d.hits, d.bytes])).toEqual([
      ["/dist/tool-1.0.tar.gz", 2, 7000],
      ["/files/notes", 1, 100],
    ]);
  });

  it("found by image search: any hit whose referer is an image search, pages counted apart; robots and web searches out", () => {
    const images = "https://www.google.com/search?q=cats&tbm=isch";
    const r = report(
      [
        line({ req: "GET /cats.html HTTP/1.1", ref: images }),
        line({
          ip: "192.0.2.2",
          req: "GET /cats.jpg HTTP/1.1",
          ref: "https://www.bing.com/images/search?q=cats",
          bytes: 900,
        }),
        line({
          ip: "192.0.2.3",
          req: "GET /cats.html HTTP/1.1",
          ref: "https://www.google.com/search?q=cats",
        }),
        line({
          ip: "192.0.2.4",
          req: "GET /cats.html HTTP/1.1",
          ref: images,
          ua: "Googlebot-Image/1.0",
        }),
      ].join("\n"),
    ).reports[0];
    expect(r.panels["image-search"].map((x) => [x.key, x.hits, x.pages, x.bytes])).toEqual([
      ["/cats.html", 1, 1, 100],
      ["/cats.jpg", 1, 0, 900],
    ]);
  });

  it("someone who follows a link straight to a file is a person, with no page view", () => {
    const r = report(
      [
        line({ req: "GET /dist/tool-1.0.tar.gz HTTP/1.1", bytes: 5000 }),
        line({ ip: "192.0.2.2", req: "GET /dist/gone.zip HTTP/1.1", status: 404 }),
      ].join("\n"),
    ).reports[0];
    expect(r.visitors).toBe(1);
    expect(r.pages).toBe(0);
    expect(r.robotReasons).toEqual({ "no page views": 1 });
  });

  it("a download is never a page; an asset neither", () => {
    const r = report(
      [
        line({ req: "GET /books/guide.epub HTTP/1.1" }),
        line({ req: "GET /papers/thesis.pdf HTTP/1.1", status: 206 }),
        line({ req: "GET /images/earth.xbm HTTP/1.1" }),
        line({ req: "GET /movies/launch.mpg HTTP/1.1" }),
        line({ req: "GET /index.html HTTP/1.1" }),
      ].join("\n"),
    ).reports[0];
    expect(r.pages).toBe(1);
    expect(r.panels.pages.map((p) => p.key)).toEqual(["/index.html"]);
    expect(r.panels.downloads.map((d) => [d.key, d.hits, d.pages])).toEqual([
      ["/books/guide.epub", 1, 0],
      ["/papers/thesis.pdf", 1, 0],
    ]);
  });

  it("feeds: by URL or by reader agent, subscribers as stated", () => {
    const r = report(
      [
        line({
          req: "GET /blog/feed HTTP/1.1",
          ua: "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers)",
        }),
        line({
          req: "GET /blog/feed HTTP/1.1",
          ua: "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 40 subscribers)",
        }),
        line({ req: "GET /index.xml?flav=rss20 HTTP/1.1" }),
        line({ req: "GET /feedback HTTP/1.1" }),
      ].join("\n"),
    ).reports[0];
    expect(find(r.panels.feeds, "Feedly")).toMatchObject({ hits: 2, max: 42 });
    expect(r.panels.feeds.reduce((n, f) => n + f.hits, 0)).toBe(3);
    expect(r.panels.pages.map((p) => p.key)).toEqual(["/feedback"]);
  });

  it("feeds: a service's robot on a feed URL is no reader; a reader's fetcher and a browser are", () => {
    const r = report(
      [
        line({
          req: "GET /blog/feed HTTP/1.1",
          ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        }),
        line({
          req: "GET /blog/feed HTTP/1.1",
          ua: "Mozilla/5.0 (compatible; PRTG Network Monitor (www.paessler.com); Windows)",
        }),
        line({
          req: "GET /blog/feed HTTP/1.1",
          ua: "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 3 subscribers)",
        }),
        line({ req: "GET /blog/feed HTTP/1.1", ua: "rss2email/3.9" }),
        line({ req: "GET /blog/feed HTTP/1.1" }),
      ].join("\n"),
    ).reports[0];
    expect(r.panels.feeds.map((f) => [f.key, f.hits, f.max])).toEqual([
      ["Feedfetcher-Google", 1, 3],
      ["Mozilla/5.0 (X11; Linux x86_64; rv:38.0) Gecko/20100101 Firefox/38.0", 1, 0],
      ["rss2email/3.9", 1, 0],
    ]);
    expect(r.panels.robots.map((f) => f.key).sort()).toEqual([
      "Feedfetcher-Google",
      "Googlebot",
      "PRTG Network Monitor",
      "rss2email",
    ]);
  });

  it("keywords from user-defined engines add to the built-in ones", () => {
    const c = config({
      siteHosts: ["example.org"],
      searchEngines: [{ name: "Site search", hosts: ["search.example.net"], params: ["s"] }],
    });
    const r = report(
      [
        line({ ref: "https://search.example.net/?s=Vigie+Workers" }),
        line({ ref: "https://www.google.fr/search?q=" }),
        line({ ref: "https://www.bing.com/search?q=log+analyzer" }),
        line({ ref: "https://example.org/page" }),
        line({ ref: "https://news.example.com/item?id=1" }),
      ].join("\n"),
      c,
    ).reports[0];
    expect(r.panels.keywords.map((k) => k.key).sort()).toEqual([
      "(not provided)",
      "log analyzer",
      "vigie workers",
    ]);
    expect(r.panels["search-engines"].map((k) => k.key).sort()).toEqual([
      "Bing",
      "Google",
      "Site search",
    ]);
    expect(r.panels.referers.map((k) => k.key)).toEqual(["https://news.example.com/item"]);
  });

  it("a fixed time zone moves day and hour buckets", () => {
    const l = line({ t: "31/May/2015:23:30:00 +0000" });
    expect(report(l).reports[0].days[0].date).toBe("2015-05-31");
    const shifted = report(l, config({ timeZone: "+0100" }));
    expect(shifted.months).toEqual(["2015-06"]);
    expect(shifted.reports[0].days[0].date).toBe("2015-06-01");
    expect(shifted.reports[0].hours[0].hits).toBe(1);
  });

  it("a request's path runs from its first space to its last (or is the whole request), whatever its shape", () => {
    // The common shapes ("GET " … " HTTP/1.x") are checked a word at a time: the odd ones must agree.
    const pieces = [
      "GET",
      "GET ",
      "POST ",
      " ",
      "  ",
      "HTTP/1.1",
      " HTTP/1.1",
      " HTTP/1.0",
      "HTTP",
      " HTTP/1 1",
      " HTTP/1.1 ",
      "/a",
      "/b?c=d",
      "/é",
      "x",
      "GETX /",
    ];
    let seed = 7;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const requests = [
      "GET / HTTP/1.1",
      "GET /a HTTP/1.0",
      "GET  HTTP/1.1",
      "GET HTTP/1.1",
      "GET /a b HTTP/1.1",
      "GET /a HTTP/1 1",
    ];
    for (let i = 0; i < 400; i++)
      requests.push(
        Array.from(
          { length: 1 + Math.floor(rand() * 5) },
          () => pieces[Math.floor(rand() * pieces.length)],
        ).join(""),
      );
    const expected = new Map<string, number>();
    for (const req of requests) {
      const first = req.indexOf(" ");
      let path = req;
      if (first >= 0) {
        const last = req.lastIndexOf(" ");
        path = req.slice(first + 1, last > first + 1 ? last : req.length);
      }
      path = path.split("?")[0];
      expected.set(path, (expected.get(path) ?? 0) + 1);
    }
    const r = report(requests.map((req) => line({ req, status: 404 })).join("\n"));
    expect(r.partial.hits).toBe(requests.length);
    expect(new Map(r.reports[0].panels["not-found"].map((row) => [row.key, row.hits]))).toEqual(
      expected,
    );
  });

  it("each line's own date and offset count, when they change from one line to the next or come back", () => {
    // The clock remembers the last date and offset and compares them in place: every change must be seen.
    const times = [
      "17/May/2015:23:59:59 +0000",
      "18/May/2015:00:00:01 +0000",
      "18/May/2015:00:00:02 +0200",
      "18/May/2015:00:00:03 -0200",
      "18/May/2015:00:00:04 +0200",
      "18/May/2015-00:00:05 +0200",
      "18/May/2015:00:00:06 +0200",
      "18/May/2016:00:00:07 +0200",
      "18/May/2016:00:00:08 +0230",
      "18/Mar/2016:00:00:09 +0230",
    ];
    const r = report(times.map((t) => line({ t })).join("\n"), config({ timeZone: "+0000" }));
    expect(r.partial.reasons).toEqual({ "bad time": 1 });
    const hits = (month: number) =>
      Object.fromEntries(r.reports[month].days.map((d) => [d.date, d.hits]));
    expect(r.months).toEqual(["2015-05", "2016-03", "2016-05"]);
    expect(hits(0)).toEqual({ "2015-05-17": 4, "2015-05-18": 2 });
    expect(hits(1)).toEqual({ "2016-03-17": 1 });
    expect(hits(2)).toEqual({ "2016-05-17": 2 });
    expect(r.reports[0].hours.filter((h) => h.hits > 0).map((h) => [h.hour, h.hits])).toEqual([
      [0, 1],
      [2, 1],
      [22, 3],
      [23, 1],
    ]);
    expect(r.reports[2].hours.filter((h) => h.hits > 0).map((h) => [h.hour, h.hits])).toEqual([
      [21, 1],
      [22, 1],
    ]);
  });

  it("watched visitors leave a full trail, by address prefix or agent substring", () => {
    const c = config({ watched: { addresses: ["198.51.100."], userAgents: ["Tiny Tiny RSS"] } });
    const p = analyzeText(
      [
        line({ ip: "198.51.100.9", req: "GET /secret?x=1 HTTP/1.1" }),
        line({ ip: "198.51.100.9", req: "GET /a HTTP/1.1", t: "17/May/2015:09:00:00 +0000" }),
        line({ ip: "203.0.113.1", ua: "Tiny Tiny RSS/1.15.3 (http://tt-rss.org/)" }),
        line({ ip: "203.0.113.2" }),
      ].join("\n"),
      c,
    );
    const trail = p.months["2015-05"].watched;
    expect(trail.map((w) => [w.at, w.address, w.url])).toEqual([
      ["2015-05-17 09:00:00", "198.51.100.9", "/a"],
      ["2015-05-17 10:00:00", "192.0.2.1".replace("192.0.2.1", "198.51.100.9"), "/secret?x=1"],
      ["2015-05-17 10:00:00", "203.0.113.1", "/"],
    ]);
  });

  it("rejected lines are counted with a reason and a sample, and never stop the analysis", () => {
    const p = analyzeText(
      [
        line({}),
        "",
        "not a log line",
        line({ t: "32/May/2015:10:00:00 +0000" }),
        line({ status: 999 }),
        line({ bytes: "12ab" as unknown as number }),
        line({}),
      ].join("\n"),
      semicompleteConfig(),
    );
    expect(p.lines).toBe(7);
    expect(p.hits).toBe(2);
    expect(p.rejected).toBe(5);
    expect(p.reasons).toEqual({
      "empty line": 1,
      'expected " "" after column 11': 1,
      "bad time": 1,
      "bad status": 1,
      "bad byte count": 1,
    });
    expect(p.samples.map((s) => s.line)).toEqual([2, 3, 4, 5, 6]);
    expect(p.months["2015-05"].rejected).toBe(5);
  });
});

describe("bytes in, text out", () => {
  /** Analyses raw bytes fed in blocks of `block` bytes cut at line ends (as the bench and an ingest do). */
  function analyzeBytes(bytes: Uint8Array, c: AnalysisConfig, block: number) {
    const a = new Analyzer(c, geo());
    for (let at = 0; at < bytes.length; ) {
      let end = Math.min(bytes.length, at + block);
      if (end < bytes.length) end = bytes.lastIndexOf(10, end - 1) + 1;
      a.pushBytes(bytes.subarray(at, end));
      at = end;
    }
    return a.finish();
  }

  it("the raw file gives the partial of its text, whatever the blocks", () => {
    const raw = new Uint8Array(readFileSync(fixture(SEMICOMPLETE)));
    const fromText = plain(analyzeText(readFixture(SEMICOMPLETE), semicompleteConfig(), geo()));
    for (const block of [raw.length, 65_536, 4096])
      expect(plain(analyzeBytes(raw, semicompleteConfig(), block))).toEqual(fromText);
  });

  it("a byte-order mark before the first line is not part of its address", () => {
    const a = new Analyzer(
      config({ watched: { addresses: ["192.0.2.7"], userAgents: [] } }),
      geo(),
    );
    a.pushBytes(
      new Uint8Array([
        0xef,
        0xbb,
        0xbf,
        ...new TextEncoder().encode(`${line({ ip: "192.0.2.7" })}\n`),
      ]),
    );
    const p = a.finish();
    expect([p.hits, p.rejected]).toEqual([1, 0]);
    expect(p.months["2015-05"].watched.map((w) => w.address)).toEqual(["192.0.2.7"]);
  });

  it("a year is four digits, taken as written (0015 is not 1915); anything else is a bad time", () => {
    const p = analyzeText(
      [
        line({ t: "17/May/20xx:10:00:00 +0000" }),
        line({ t: "17/May/20é5:10:00:00 +0000" }),
        line({ t: "17/May/0015:10:00:00 +0000" }),
      ].join("\n"),
      semicompleteConfig(),
    );
    expect(p.reasons).toEqual({ "bad time": 2 });
    expect(Object.keys(p.months)).toEqual(["0015-05"]);
  });

  it("a rejected line's column counts characters, not bytes", () => {
    const p = analyzeText("café - frank", semicompleteConfig());
    expect(p.reasons).toEqual({ 'expected " " after column 8': 1 });
  });

  it("two invalid byte sequences that read as the same text make one row and one visitor", () => {
    const enc = new TextEncoder();
    const bytes = (s: string) => enc.encode(s);
    // "/caf\xe9" and "/caf\xff" both read "/caf\ufffd"; so do the agents ending in \xe9 and \xff.
    const a = new Analyzer(semicompleteConfig(), geo());
    const head = '192.0.2.1 - - [17/May/2015:10:00:00 +0000] "GET /caf';
    const middle =
      ' HTTP/1.1" 200 100 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:38.0) Gecko/20100101 Firefox/38.0 ';
    const parts = [
      bytes(head),
      [0xe9],
      bytes(middle),
      [0xe9],
      bytes('"\n'),
      bytes(head),
      [0xff],
      bytes(middle),
      [0xff],
      bytes('"\n'),
    ];
    a.pushBytes(new Uint8Array(parts.flatMap((p) => [...p])));
    const p = a.finish();
    expect(p.hits).toBe(2);
    const m = p.months["2015-05"];
    expect([...m.visitorDays.values()].map((v) => v.views)).toEqual([[["/caf\ufffd", 2, 200]]]);
    expect([...m.visitorDays.values()].map((v) => v.hits)).toEqual([2]);
    expect(Object.keys(m.panels["browser-versions"]!)).toEqual(["Firefox 38"]);
  });
});

describe("configuration: defaults that a user extends", () => {
  it("lists extend the built-in ones unless replaced", () => {
    expect(config({ assetExtensions: ["php"] }).assetExtensions).toEqual(
      expect.arrayContaining(["png", "php"]),
    );
    expect(
      config({ assetExtensions: ["php"], replace: ["assetExtensions"] }).assetExtensions,
    ).toEqual(["php"]);
    const withPhp = report(
      line({ req: "GET /index.php HTTP/1.1" }),
      config({ assetExtensions: ["php"] }),
    ).reports[0];
    expect(withPhp.pages).toBe(0);
  });

  it("lists every bad key at once", async () => {
    const { resolveConfig } = await import("../../worker/core/config");
    const r = resolveConfig({
      format: "",
      visitGapSeconds: -1,
      timeZone: "Mars/Olympus",
      nope: 1,
    } as never);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        "nope: unknown key",
        "format: must be a preset name or a format string",
        "timeZone: must be a fixed offset such as +0100, or null",
        "visitGapSeconds: must be a positive integer",
      ]);
  });
});

describe("keys a log spells like an object's own names", () => {
  it("__proto__ and constructor as search terms, referer and page are rows like any other", () => {
    const text = `${[
      line({ ref: "https://www.google.com/search?q=__proto__" }),
      line({ ref: "https://www.google.com/search?q=constructor", t: "17/May/2015:10:01:00 +0000" }),
      line({ ref: "__proto__", t: "17/May/2015:10:02:00 +0000" }),
      line({ ip: "192.0.2.2", req: "GET /__proto__ HTTP/1.1" }),
      line({ ip: "192.0.2.2", req: "GET /x?__proto__ HTTP/1.1", t: "17/May/2015:10:01:00 +0000" }),
    ].join("\n")}\n`;
    const { partial, reports } = report(text, config());
    const m = partial.months["2015-05"];
    expect(Object.keys(m.panels.keywords ?? {}).sort()).toEqual(["__proto__", "constructor"]);
    expect(Object.entries(m.panels.referers ?? {})).toContainEqual(["__proto__", [1, 1, 100, 0]]);
    const keys = (id: "keywords" | "referers" | "pages" | "entry") =>
      reports[0].panels[id].map((r) => r.key).sort();
    expect(keys("keywords")).toEqual(["__proto__", "constructor"]);
    expect(keys("referers")).toContain("__proto__");
    expect(keys("pages")).toContain("/__proto__");
    expect(keys("entry").length).toBeGreaterThan(0);
    // Nothing of the log reached Object.prototype.
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("0");
  });
});
