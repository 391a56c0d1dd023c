import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import { visitorKeyOf } from "../../worker/core/partial";
import { truncateAddress, ptrNameFor } from "./privacy-helpers";
import { feedHostsSettled } from "../../worker/ingest/resolve-feed-hosts";
import { createSite, PANEL_ROWS_SQL, storedFigures, uploadRange } from "./helpers";
import type { TestSite } from "./helpers";

const log = new TextEncoder().encode(semicompleteText);
const config = { siteHosts: ["semicomplete.com"] };

async function siteWith(
  privacy: "full" | "truncate" | "hash",
  bytes = log,
  name = `privacy-${privacy}`,
): Promise<TestSite> {
  const site = await createSite(name, { config });
  await env.DB.prepare("UPDATE sites SET privacy = ?1 WHERE id = ?2").bind(privacy, site.id).run();
  expect((await uploadRange(site, bytes, 0, bytes.length)).status).toBe(200);
  return site;
}

const feedHosts = (siteId: number) =>
  env.DB.prepare(
    `SELECT key, hits FROM (${PANEL_ROWS_SQL}) WHERE site_id = ?1 AND panel = 'feed-hosts' ORDER BY key`,
  )
    .bind(siteId)
    .all<{ key: string; hits: number }>()
    .then((r) => r.results);

async function names(siteId: number, atLeast: number) {
  // The names are resolved after the chunk is committed (waitUntil): wait for them.
  await feedHostsSettled();
  const r = await env.DB.prepare(
    "SELECT address, name FROM host_names WHERE site_id = ?1 ORDER BY address",
  )
    .bind(siteId)
    .all<{ address: string; name: string | null }>();
  expect(r.results.length).toBeGreaterThanOrEqual(atLeast);
  return r.results;
}

/** How many of a site's stored visitor-days (of its open days) have this visitor key. */
async function visitorDaysOf(siteId: number, key: string): Promise<number> {
  const row = await env.DB.prepare(
    // A bucket's records are keyed by address key then visitor key, 11 characters each.
    "SELECT count(*) AS n FROM day_buckets AS b, json_each(b.visitor_days) AS a, json_each(a.value) AS v WHERE b.site_id = ?1 AND v.key = ?2",
  )
    .bind(siteId, key)
    .first<{ n: number }>();
  return row!.n;
}

describe("privacy of client addresses, per site", () => {
  let full: TestSite, truncate: TestSite, hash: TestSite;
  beforeAll(async () => {
    full = await siteWith("full");
    truncate = await siteWith("truncate");
    hash = await siteWith("hash");
  });

  it("the default for a new site is truncate", async () => {
    const s = await createSite("privacy-default");
    const row = await env.DB.prepare("SELECT privacy, length(secret) AS n FROM sites WHERE id = ?1")
      .bind(s.id)
      .first<{ privacy: string; n: number }>();
    expect(row).toEqual({ privacy: "truncate", n: 32 });
  });

  it("full: feed-reader hosts by address, visitors by the bare hash of (address, agent)", async () => {
    const hosts = await feedHosts(full.id);
    expect(hosts.some((h) => h.key === "66.249.73.135" || /^\d+\.\d+\.\d+\.\d+$/.test(h.key))).toBe(
      true,
    );
    // The log's last line: its day is still open, so its visitor-day is kept.
    const first = semicompleteText.trimEnd().split("\n").pop()!;
    const key = visitorKeyOf(first.split(" ")[0], first.split('"')[5]);
    expect(await visitorDaysOf(full.id, key)).toBeGreaterThan(0);
  });

  it("truncate: feed hosts as /24 or /48, visitors re-keyed with the site's secret", async () => {
    const hosts = await feedHosts(truncate.id);
    expect(hosts.length).toBeGreaterThan(0);
    for (const h of hosts) expect(h.key).toMatch(/\/24$|\/48$|^#[0-9a-f]{16}$/);
    // The log's last line: its day is still open, so its visitor-day is kept.
    const first = semicompleteText.trimEnd().split("\n").pop()!;
    const bare = visitorKeyOf(first.split(" ")[0], first.split('"')[5]);
    expect(await visitorDaysOf(truncate.id, bare)).toBe(0);
    // Re-keyed, the key keeps its first character (its address's bucket) and its shape.
    const keys = await env.DB.prepare(
      "SELECT a.key || v.key AS k FROM day_buckets AS b, json_each(b.visitor_days) AS a, json_each(a.value) AS v WHERE b.site_id = ?1",
    )
      .bind(truncate.id)
      .all<{ k: string }>();
    expect(keys.results.length).toBeGreaterThan(0);
    for (const { k } of keys.results) expect(k).toMatch(/^[0-9A-Za-z_-]{22}$/);
  });

  it("hash: feed hosts as keyed hashes; no address is stored outside watched trails", async () => {
    const hosts = await feedHosts(hash.id);
    for (const h of hosts) expect(h.key).toMatch(/^#[0-9a-f]{16}$/);
    const dump = JSON.stringify(await storedFigures(hash.id));
    expect(dump).not.toMatch(/\b66\.249\.\d+\.\d+\b/);
  });

  it("privacy never changes a figure", async () => {
    const strip = async (id: number) => {
      const f = await storedFigures(id);
      return {
        months: f.months,
        days: f.days,
        hours: f.hours,
        panels: f.panels.filter((p) => p.panel !== "feed-hosts" && p.panel !== "hosts"),
      };
    };
    expect(await strip(truncate.id)).toEqual(await strip(full.id));
    expect(await strip(hash.id)).toEqual(await strip(full.id));
    const total = (rows: { hits: number }[]) => rows.reduce((n, r) => n + r.hits, 0);
    expect(total(await feedHosts(hash.id))).toBe(total(await feedHosts(full.id)));
  });

  it("feed readers get host names by reverse DNS, cached per stored key, when addresses are kept whole", async () => {
    // The log's feed requests from Google's 66.249.0.0/16 (the range the fake resolver names)
    // are Googlebot's, which is no feed reader: Google's feed fetcher from there stands in.
    const feedLine = (ip: string, second: number, agent: string) =>
      `${ip} - - [20/May/2015:10:00:${second} +0000] "GET /blog/index.xml?flav=rss20 HTTP/1.1" 200 1000 "-" "${agent}"`;
    const readers = new TextEncoder().encode(
      `${[
        feedLine(
          "66.249.73.135",
          10,
          "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 5 subscribers; feed-id=1)",
        ),
        feedLine("198.51.100.7", 11, "Tiny Tiny RSS/1.11 (http://tt-rss.org/)"),
      ].join("\n")}\n`,
    );
    const site = await siteWith("full", readers, "privacy-full-readers");
    const hosts = await feedHosts(site.id);
    const google = hosts.filter((h) => h.key.startsWith("66.249."));
    expect(google.length).toBeGreaterThan(0);
    const got = await names(site.id, Math.min(hosts.length, 10));
    for (const g of google) {
      const n = got.find((x) => x.address === g.key);
      if (n) expect(n.name).toBe(ptrNameFor(g.key));
    }
    expect(got.some((x) => x.name === null)).toBe(true); // NXDOMAIN is cached as "no name"
    expect(got.length).toBeLessThanOrEqual(10);
    // Under truncate or hash, names are not looked up: the name of the whole address would
    // often spell it.
    expect(await names(truncate.id, 0)).toEqual([]);
    expect(await names(hash.id, 0)).toEqual([]);
  });

  it("truncation keeps the /24 of IPv4 and the /48 of IPv6", () => {
    expect(truncateAddress("66.249.73.135")).toBe("66.249.73.0/24");
    expect(truncateAddress("2001:db8:85a3::8a2e:370:7334")).toBe("2001:db8:85a3::/48");
    expect(truncateAddress("2001:db8::1")).toBe("2001:db8:0::/48");
    expect(truncateAddress("crawl.example.org")).toBeNull();
  });
});

describe("month and year rollover", () => {
  it("a log across New Year's Eve lands in two months and two years; a visit across midnight counts on both days", async () => {
    const line = (t: string, path: string) =>
      `192.0.2.7 - - [${t} +0000] "GET ${path} HTTP/1.1" 200 100 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:38.0) Gecko/20100101 Firefox/38.0"\n`;
    const text =
      line("31/Dec/2015:23:50:00", "/a") +
      line("31/Dec/2015:23:59:59", "/b") +
      line("01/Jan/2016:00:05:00", "/c") +
      line("01/Jan/2016:00:20:00", "/d");
    const bytes = new TextEncoder().encode(text);
    const site = await createSite("rollover");
    const cut = text.indexOf("\n", text.indexOf("/b")) + 1;
    expect((await uploadRange(site, bytes, cut, bytes.length)).status).toBe(200);
    expect((await uploadRange(site, bytes, 0, cut)).status).toBe(200);
    const f = await storedFigures(site.id);
    expect(f.months.map((m) => [m.month, m.hits, m.visits, m.visitors])).toEqual([
      ["2015-12", 2, 1, 1],
      ["2016-01", 2, 1, 1],
    ]);
    expect(f.days.map((d) => d.date)).toEqual(["2015-12-31", "2016-01-01"]);
    const years = await env.DB.prepare(
      "SELECT year, visitors, days FROM year_figures WHERE site_id = ?1 ORDER BY year",
    )
      .bind(site.id)
      .all();
    expect(years.results).toEqual([
      { year: "2015", visitors: 1, days: 1 },
      { year: "2016", visitors: 1, days: 1 },
    ]);
    const res = await SELF.fetch("http://vigie.test/api/v1/sites/rollover/summary?month=2016-01", {
      headers: { authorization: `Bearer ${site.readToken}` },
    });
    expect(await res.json()).toMatchObject({
      hits: 2,
      visits: 1,
      days: [{ date: "2016-01-01", hits: 2 }],
    });
  });
});
