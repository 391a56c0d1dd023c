import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { HEAD_ROWS } from "../../worker/ingest/panel-head";
import type { ShownPanelId } from "../../worker/core/panels";
import { PANEL_IDS } from "../../worker/core/panels";
import type { MonthReport } from "../../worker/core/report";
import type {
  IndexJson,
  MonthJson,
  PanelPageJson,
  YearJson,
} from "../../worker/routes/reports-model";
import type { TestSite } from "./helpers";
import { getJson, read, standardCore, standardSite } from "./reports-data";

const rowsOf = (rows: { key: string; hits: number; pages: number; bytes: number; max: number }[]) =>
  rows.map((r) => [r.key, r.hits, r.pages, r.bytes, r.max]);

describe("report JSON routes, after ingesting the fixture logs in two runs", () => {
  let site: TestSite;
  let core: Record<string, MonthReport>;
  let run1: Record<string, MonthReport>;
  beforeAll(async () => {
    site = await standardSite("semi");
    ({ all: core, run1 } = standardCore());
  });

  it.each(["2015-05", "2015-10"])(
    "GET /months/%s has the core's figures: totals, days, hours, every panel",
    async (month) => {
      const m = await getJson<MonthJson>(site, `/api/v1/sites/semi/months/${month}?limit=1000`);
      const c = core[month];
      expect(m).toMatchObject({
        site: "semi",
        month,
        hasData: true,
        hits: c.hits,
        pages: c.pages,
        bytes: c.bytes,
        visits: c.visits,
        visitors: c.visitors,
        robotHits: c.robotHits,
        rejected: c.rejected,
      });
      expect(m.days).toEqual(c.days);
      expect(m.hours).toEqual(c.hours);
      for (const id of PANEL_IDS) {
        // The JSON lists 1,000 rows at most; hosts keeps its top 100 by name (the rest are counted
        // in the month's buckets, and totalled).
        expect(rowsOf(m.panels[id].rows), id).toEqual(
          rowsOf(c.panels[id]).slice(0, id === "hosts" ? HEAD_ROWS : 1000),
        );
        const sum = (k: "hits" | "pages" | "bytes") => c.panels[id].reduce((s, r) => s + r[k], 0);
        expect(m.panels[id].total, id).toMatchObject({
          rows: c.panels[id].length,
          hits: sum("hits"),
          pages: sum("pages"),
          bytes: sum("bytes"),
        });
      }
      // Every figure adds up: a panel keyed by what a visitor is holds every hit of people and of
      // robots by behaviour; less the latter, the month's people. The pages panel holds people's
      // page views only, and the hours sum to the month.
      for (const id of [
        "browsers",
        "browser-versions",
        "os",
        "devices",
        "countries",
        "hosts",
        "ip-versions",
        "origins",
      ] as const) {
        const t = m.panels[id].total;
        expect(t.hits - t.behaviourRobotHits!, id).toBe(m.hits - m.robotHits);
        expect(t.pages - t.behaviourRobotPages!, id).toBe(m.pages);
      }
      expect(m.panels.pages.total.pages - m.panels.pages.total.behaviourRobotPages!).toBe(m.pages);
      expect(m.hours.reduce((n, h) => n + h.robotHits, 0)).toBe(m.robotHits);
      expect(m.hours.reduce((n, h) => n + h.pages, 0)).toBe(m.pages);
      expect(m.lines).toBe(c.hits + c.rejected);
      expect(m.lastRun).toMatchObject({ chunks: expect.any(Number), lines: expect.any(Number) });
    },
  );

  it("the month's top rows are the core's first rows, each panel's totals over all its rows", async () => {
    const m = await getJson<MonthJson>(site, "/api/v1/sites/semi/months/2015-05?limit=3");
    for (const id of PANEL_IDS)
      expect(rowsOf(m.panels[id].rows), id).toEqual(rowsOf(core["2015-05"].panels[id].slice(0, 3)));
    expect(m.panels.pages.total.rows).toBe(core["2015-05"].panels.pages.length);
  });

  it("keywords and downloads carry what the last run changed: new rows, and the hits it added", async () => {
    const m = await getJson<MonthJson>(site, "/api/v1/sites/semi/months/2015-05?limit=1000");
    for (const id of ["keywords", "downloads", "pages"] as ShownPanelId[]) {
      const before = new Map(run1["2015-05"].panels[id].map((r) => [r.key, r.hits]));
      const expected = core["2015-05"].panels[id].map((r) => {
        const b = before.get(r.key) ?? 0;
        return [r.key, r.hits === b ? null : { new: b === 0, delta: r.hits - b }];
      });
      expect(
        m.panels[id].rows.map((r) => [r.key, r.change]),
        id,
      ).toEqual(expected);
    }
    expect(m.panels.keywords.rows.some((r) => r.change?.new)).toBe(true);
    expect(m.panels.keywords.rows.some((r) => r.change && !r.change.new)).toBe(true);
    expect(m.panels.keywords.rows.some((r) => r.change === null)).toBe(true);
  });

  it("the year is recalled in the month: its months, and its visitors distinct over them", async () => {
    const m = await getJson<MonthJson>(site, "/api/v1/sites/semi/months/2015-05");
    expect(m.year.months.map((x) => x.month)).toEqual(["2015-05", "2015-10"]);
    expect(m.year.hits).toBe(core["2015-05"].hits + core["2015-10"].hits);
    // The two logs share no visitor: the distinct count is the sum here, which the year's
    // sketch estimates (HyperLogLog, 4,096 registers: at this size, within a few visitors).
    const exact = core["2015-05"].visitors + core["2015-10"].visitors;
    expect(Math.abs(m.year.visitors - exact)).toBeLessThanOrEqual(0.02 * exact);
    expect(m.year.days).toBe(core["2015-05"].days.length + core["2015-10"].days.length);
  });

  it("GET /panels/:panel pages through every row in order, with the month's totals", async () => {
    const all = core["2015-05"].panels.referers;
    const got: PanelPageJson["rows"] = [];
    for (let offset = 0; offset < all.length; offset += 7) {
      const p = await getJson<PanelPageJson>(
        site,
        `/api/v1/sites/semi/panels/referers?month=2015-05&limit=7&offset=${offset}`,
      );
      // `top`, the bars' scale, is the panel's largest on every page, not the page's.
      const top = {
        hits: Math.max(...all.map((r) => r.hits)),
        pages: Math.max(...all.map((r) => r.pages)),
      };
      expect(p).toMatchObject({
        id: "referers",
        month: "2015-05",
        limit: 7,
        offset,
        total: { rows: all.length },
        top,
      });
      got.push(...p.rows);
    }
    expect(rowsOf(got)).toEqual(rowsOf(all));
    const feedHosts = await getJson<PanelPageJson>(
      site,
      "/api/v1/sites/semi/panels/feed-hosts?month=2015-05&limit=5",
    );
    expect(feedHosts.rows[0]).toHaveProperty("hostName");
  });

  it("?format=csv exports a whole panel, formulas defused", async () => {
    const res = await SELF.fetch(
      "http://vigie.test/api/v1/sites/semi/panels/keywords?month=2015-05&format=csv",
      { headers: read(site) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="semi-2015-05-keywords.csv"',
    );
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("key,hits,pages,bytes,max,new,delta");
    const c = core["2015-05"].panels.keywords;
    expect(lines.length).toBe(c.length + 1);
    // A formula gets an apostrophe, and quotes are doubled inside a quoted cell.
    expect(lines.filter((l) => l.includes("hyperlink"))).toEqual([
      `"'=hyperlink(""http://evil"")",1,1,12,0,1,1`,
    ]);
    expect(lines).toContain("<script>alert(7)</script>,1,0,12,0,1,1");
    const plain = c.find((r) => /^[a-z]/.test(r.key) && !/[",]/.test(r.key))!;
    expect(
      lines.some((l) =>
        l.startsWith(`${plain.key},${plain.hits},${plain.pages},${plain.bytes},${plain.max},`),
      ),
    ).toBe(true);
  });

  it("GET /years/:year: the year in review, compared with the others", async () => {
    const y = await getJson<YearJson>(site, "/api/v1/sites/semi/years/2015?limit=5");
    const may = core["2015-05"];
    const oct = core["2015-10"];
    expect(y).toMatchObject({
      site: "semi",
      year: "2015",
      hits: may.hits + oct.hits,
      pages: may.pages + oct.pages,
      visits: may.visits + oct.visits,
      bytes: may.bytes + oct.bytes,
    });
    expect(y.days).toBe(may.days.length + oct.days.length);
    expect(y.visitsPerDay).toBeCloseTo(y.visits / y.days, 1);
    const pages = new Map<string, number>();
    for (const r of [...may.panels.pages, ...oct.panels.pages])
      pages.set(r.key, (pages.get(r.key) ?? 0) + r.pages);
    const expected = [...pages.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 5);
    expect(y.topPages.rows.map((r) => [r.key, r.pages])).toEqual(expected);
    // Shares are of the pages panel's total (declared crawlers out; behavioural robots' views stay in it).
    // maxPages (the year's top page, the bars' scale on every page of the list) too.
    expect(y.topPages.total).toEqual({
      rows: pages.size,
      pages: [...pages.values()].reduce((s, n) => s + n, 0),
      maxPages: expected[0][1],
    });
    expect(y.years.map((o) => o.year)).toEqual(["2015"]);
    expect(y.daily.length).toBe(y.days);
  });

  it("GET /years/:year marks the pages viewed mostly for their images (over half their views from an image search)", async () => {
    const y = await getJson<YearJson>(site, "/api/v1/sites/semi/years/2015?limit=1000");
    const fromImages = new Map<string, number>();
    for (const r of [
      ...core["2015-05"].panels["image-search"],
      ...core["2015-10"].panels["image-search"],
    ])
      fromImages.set(r.key, (fromImages.get(r.key) ?? 0) + r.pages);
    for (const r of y.topPages.rows) {
      expect(r.fromImages, r.key).toBe(fromImages.get(r.key) ?? 0);
      expect(r.forImages, r.key).toBe(2 * r.fromImages > r.pages);
    }
    // The real log's pages found from image searches (2 of 30 views of xvfb-firefox.html) are not
    // marked; the hostile lines' gallery page (2 of 3) is.
    expect(y.topPages.rows.find((r) => r.key === "/blog/geekery/xvfb-firefox.html")).toMatchObject({
      fromImages: 2,
      forImages: false,
    });
    expect(
      y.topPages.rows.filter((r) => r.forImages).map((r) => [r.key, r.fromImages, r.pages]),
    ).toEqual([["/gallery/<b>cats</b>.html", 2, 3]]);
  });

  it("GET /years: the index, years newest first with their months", async () => {
    const idx = await getJson<IndexJson>(site, "/api/v1/sites/semi/years");
    expect(idx.years).toHaveLength(1);
    expect(idx.years[0].months.map((m) => [m.month, m.hits, m.visits, m.visitors])).toEqual(
      ["2015-05", "2015-10"].map((m) => [m, core[m].hits, core[m].visits, core[m].visitors]),
    );
  });

  it("a month with no data answers zeros and hasData false", async () => {
    const m = await getJson<MonthJson>(site, "/api/v1/sites/semi/months/2014-01");
    expect(m).toMatchObject({ hasData: false, hits: 0, visitors: 0, days: [] });
    expect(m.panels.pages.rows).toEqual([]);
  });

  it.each([
    ["/api/v1/sites/semi/months/2015-13", 400],
    ["/api/v1/sites/semi/months/2015-05?limit=0", 400],
    ["/api/v1/sites/semi/panels/nope?month=2015-05", 404],
    ["/api/v1/sites/semi/panels/pages?month=May", 400],
    ["/api/v1/sites/semi/panels/pages?month=2015-05&format=xml", 400],
    ["/api/v1/sites/semi/years/15", 400],
    // An unknown site answers as a wrong token (test/worker/unknown-site.test.ts).
    ["/api/v1/sites/nope/months/2015-05", 401],
  ])("%s → %i with a JSON error", async (path, status) => {
    const res = await SELF.fetch(`http://vigie.test${path}`, { headers: read(site) });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(
      /^(bad_request|not_found|unauthorized)$/,
    );
  });

  it("answers 304 to a current ETag, and a new ETag once a chunk lands", async () => {
    const url = "http://vigie.test/api/v1/sites/semi/months/2015-05";
    const first = await SELF.fetch(url, { headers: read(site) });
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"v\d+-/);
    expect(first.headers.get("cache-control")).toMatch(/^private, max-age=\d+/);
    const again = await SELF.fetch(url, { headers: { ...read(site), "if-none-match": etag } });
    expect(again.status).toBe(304);
    const { uploadText } = await import("./reports-data");
    await uploadText(
      site,
      `9.9.9.9 - - [20/May/2015:10:00:00 +0000] "GET / HTTP/1.1" 200 10 "-" "curl/8"\n`,
      "late",
      1,
    );
    const after = await SELF.fetch(url, { headers: { ...read(site), "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
  });
});
