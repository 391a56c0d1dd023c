/**
 * Virtual hosts through the worker: the vhosts panel of a vhost_combined log, and the month
 * filtered by a host (`?vhost=`), whose days and totals are those of the host's own lines; what
 * it costs (rows written by an upload, rows read by a page); the host's name, a stranger's text,
 * escaped wherever a page shows it.
 */
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../worker/core/config";
import { countingD1 } from "../../worker/db/counting-d1";
import { getMonthReport } from "../../worker/db/queries/get-month-report";
import type { MonthJson } from "../../worker/routes/reports-model";
import { hostDays, vhostLog } from "../vhost-log";
import type { TestSite } from "./helpers";
import { createSite, lineStarts, uploadRange } from "./helpers";
import { basjesText, getJson, read, semicompleteText } from "./reports-data";

const OTHERS = 40;
const CONFIG = { siteHosts: ["semicomplete.com"], openDays: 366, sealDays: 366 };
const combined = semicompleteText + basjesText;
const log = new TextEncoder().encode(vhostLog(combined, OTHERS));
const HOSTILE = `<img src=x onerror=alert(1)>"&'`;

/** Uploads `bytes` in `parts` chunks cut on line starts; the sum of the replies' rowsWritten. */
async function upload(site: TestSite, bytes: Uint8Array, parts: number, format: string) {
  const starts = lineStarts(bytes);
  const cuts = [0];
  for (let i = 1; i < parts; i++) cuts.push(starts[Math.floor((i * (starts.length - 1)) / parts)]);
  cuts.push(bytes.length);
  let rows = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const res = await uploadRange(site, bytes, cuts[i], cuts[i + 1], {
      source: "access.log",
      query: `&format=${format}`,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    rows += ((await res.json()) as { rowsWritten: number }).rowsWritten;
  }
  return rows;
}

describe("virtual hosts: the panel and the month filtered by host", () => {
  let site: TestSite;
  let plainSite: TestSite;
  let rowsVhost: number;
  let rowsPlain: number;
  const r = resolveConfig(CONFIG);
  if (!r.ok) throw new Error(r.errors.join("; "));
  const oracle = hostDays(combined, OTHERS, r.config);
  beforeAll(async () => {
    site = await createSite("vhosts", { config: CONFIG });
    rowsVhost = await upload(site, log, 8, "vhost_combined");
    plainSite = await createSite("vhosts-plain", { config: CONFIG });
    rowsPlain = await upload(plainSite, new TextEncoder().encode(combined), 8, "combined");
  });
  const month = (q = "", m = "2015-10") =>
    getJson<MonthJson>(site, `/api/v1/sites/vhosts/months/${m}${q}`);

  it("each host's month: its days and totals are those of its own lines; the rest is the site's", async () => {
    const whole = await month();
    expect(whole.vhost).toBeNull();
    // A host of the head, and small ones whose days lie in the panel's tail (over 100 rows).
    expect(whole.panels.vhosts.total.rows).toBeGreaterThan(30);
    const inTail: number[] = [];
    for (const [m, host] of [
      ["2015-05", "www.example.org"],
      ["2015-10", "www.example.org"],
      ["2015-10", "blog.example.org"],
      ["2015-10", "h7.example.net"],
      ["2015-05", "h31.example.net"],
    ]) {
      const all = await month("", m);
      const f = await month(`?vhost=${host}`, m);
      const days = oracle.get(host)!.filter((d) => d.date.startsWith(m));
      expect(days.length, host).toBeGreaterThan(0);
      expect(f.vhost).toEqual({ name: host, split: ["hits", "pages", "bytes", "days"] });
      const byDate = new Map(days.map((d) => [d.date, d]));
      expect(f.days, host).toEqual(
        all.days.map((d) => ({
          date: d.date,
          hits: byDate.get(d.date)?.hits ?? 0,
          pages: byDate.get(d.date)?.pages ?? 0,
          bytes: byDate.get(d.date)?.bytes ?? 0,
          visits: null,
          visitors: null,
          robotHits: null,
        })),
      );
      const tail = await env.DB.prepare(
        "SELECT count(*) AS n FROM panel_tails WHERE site_id = ?1 AND period = ?2 AND panel = 'vhost-days' AND key LIKE ?3",
      )
        .bind(site.id, m, `${host} %`)
        .first<{ n: number }>();
      inTail.push(tail!.n);
      const sum = (k: "hits" | "pages" | "bytes") => days.reduce((n, d) => n + d[k], 0);
      expect([f.hits, f.pages, f.bytes]).toEqual([sum("hits"), sum("pages"), sum("bytes")]);
      // The host's row in the panel says the same.
      const row = all.panels.vhosts.rows.find((x) => x.key === host)!;
      expect([row.hits, row.pages, row.bytes]).toEqual([f.hits, f.pages, f.bytes]);
      // Not split: the site's visits, visitors, robots, hours, gaps and panels.
      expect({ ...f, days: [], hits: 0, pages: 0, bytes: 0, vhost: null }).toEqual({
        ...all,
        days: [],
        hits: 0,
        pages: 0,
        bytes: 0,
      });
    }
    expect(inTail[0]).toBe(0);
    expect(inTail[3]).toBeGreaterThan(0);
  });

  it("the filter keys the host as the panel does (any case, a port); an unknown host has nothing", async () => {
    expect(await month("?vhost=WWW.Example.ORG:8443")).toEqual(
      await month("?vhost=www.example.org"),
    );
    const none = await month("?vhost=nowhere.example");
    expect([none.hits, none.pages, none.bytes]).toEqual([0, 0, 0]);
    expect(none.days.every((d) => d.hits === 0)).toBe(true);
    const res = await SELF.fetch(
      `http://vigie.test/api/v1/sites/vhosts/months/2015-10?vhost=${"x".repeat(1001)}`,
      { headers: read(site) },
    );
    expect(res.status).toBe(400);
  });

  it("the vhosts panel: every hit; its pages less robots' by behaviour are the month's pages", async () => {
    for (const m of ["2015-05", "2015-10"]) {
      const j = await month("", m);
      const t = j.panels.vhosts.total;
      expect(t.hits).toBe(j.hits);
      expect(t.bytes).toBe(j.bytes);
      expect(t.behaviourRobotHits).toBeNull();
      expect(t.pages - t.behaviourRobotPages!).toBe(j.pages);
      expect(j.panels.vhosts.rows.every((x) => x.key === x.key.toLowerCase())).toBe(true);
      expect((j.panels as Record<string, unknown>)["vhost-days"]).toBeUndefined();
    }
    const hidden = await SELF.fetch(
      "http://vigie.test/api/v1/sites/vhosts/panels/vhost-days?month=2015-10",
      { headers: read(site) },
    );
    expect(hidden.status).toBe(404);
    const csv = await SELF.fetch(
      "http://vigie.test/api/v1/sites/vhosts/panels/vhosts?month=2015-10&format=csv",
      { headers: read(site) },
    );
    expect((await csv.text()).split("\r\n")[1]).toMatch(/^www\.example\.org,\d+,\d+,\d+,0,/);
  });

  it("what it costs: rows written by an upload grow a little, rows read by the filter by a row a day at most", async () => {
    // The same lines without a virtual host write fewer rows, and not half as many.
    expect(rowsVhost).toBeGreaterThan(rowsPlain);
    expect(rowsVhost).toBeLessThan(1.25 * rowsPlain);
    console.log(`rows written: vhost_combined ${rowsVhost}, combined ${rowsPlain}`);
    const read = async (vhost: string | null) => {
      const { db, cost } = countingD1(env.DB);
      await getMonthReport(db, site.id, "2015-10", { top: 10, watched: 10, samples: 10, vhost });
      return cost;
    };
    const plain = await read(null);
    for (const host of ["www.example.org", "h7.example.net"]) {
      const filtered = await read(host);
      expect(filtered.queries).toBe(plain.queries + 1);
      expect(filtered.rowsRead - plain.rowsRead, host).toBeLessThanOrEqual(31);
    }
  });

  it("the month page: the panel links each host to its filtered month, which says what is split", async () => {
    const get = async (path: string) => {
      const res = await SELF.fetch(`http://vigie.test${path}`, { headers: read(site) });
      expect(res.status, path).toBe(200);
      return res.text();
    };
    const page = await get("/sites/vhosts/2015-10");
    expect(page).toContain('id="vhosts"');
    expect(page).toContain(
      '<a class="key" href="/sites/vhosts/2015-10?vhost=www.example.org"><bdi>www.example.org</bdi></a>',
    );
    expect(page).not.toContain('id="vhost"');
    const f = await get("/sites/vhosts/2015-10?vhost=www.example.org");
    expect(f).toContain('<p class="notice" id="vhost">Virtual host <bdi>www.example.org</bdi>');
    expect(f).toContain('<a href="/sites/vhosts/2015-10">All hosts</a>');
    expect(f).toContain('href="/sites/vhosts/2015-05?vhost=www.example.org" rel="prev"');
    expect(f).toContain('href="/api/v1/sites/vhosts/months/2015-10?vhost=www.example.org"');
    // The days table has the host's pages, hits and bandwidth only.
    const days = f.slice(
      f.indexOf('id="days-table"'),
      f.indexOf("</table>", f.indexOf("days-table")),
    );
    expect(days).not.toContain("Visitors");
    expect(days).toContain("Hits");
    // A site whose log names no virtual host shows no vhosts panel.
    const plain = await (
      await SELF.fetch("http://vigie.test/sites/vhosts-plain/2015-10", { headers: read(plainSite) })
    ).text();
    expect(plain).toContain('id="days"');
    expect(plain).not.toContain('id="vhosts"');
  });

  it("a hostile host name is escaped in the panel, its link and the filtered page", async () => {
    const hostile = await createSite("vhosts-hostile", { config: CONFIG });
    const line = `${HOSTILE}:80 6.6.6.6 - - [19/May/2015:10:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "Mozilla/5.0 Firefox/40.0"\n`;
    await upload(hostile, new TextEncoder().encode(line), 1, "vhost_combined");
    const key = HOSTILE.toLowerCase();
    const get = (path: string) =>
      SELF.fetch(`http://vigie.test${path}`, { headers: read(hostile) }).then((res) => res.text());
    const escaped = "&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&#39;";
    const page = await get("/sites/vhosts-hostile/2015-05");
    expect(page).toContain(`<bdi>${escaped}</bdi>`);
    expect(page).toContain(`?vhost=${encodeURIComponent(key).replaceAll("'", "&#39;")}"`);
    const f = await get(`/sites/vhosts-hostile/2015-05?vhost=${encodeURIComponent(key)}`);
    expect(f).toContain(`<p class="notice" id="vhost">Virtual host <bdi>${escaped}</bdi>`);
    for (const html of [page, f]) expect(html).not.toMatch(/<img|onerror=alert\(1\)>/);
    const j = await getJson<MonthJson>(
      hostile,
      `/api/v1/sites/vhosts-hostile/months/2015-05?vhost=${encodeURIComponent(key)}`,
    );
    expect(j.vhost?.name).toBe(key);
    expect(j.hits).toBe(1);
  });
});
