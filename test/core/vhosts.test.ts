import { describe, expect, it } from "vitest";
import { analyzeText } from "../../worker/core/analyze";
import { robotRules } from "../../worker/core/config";
import { emptyPartial, mergePartials } from "../../worker/core/partial";
import type { Row } from "../../worker/core/panels";
import { monthReport } from "../../worker/core/report";
import { vhostDayKey, vhostDayOf, vhostKey } from "../../worker/core/vhost";
import { randomChunks, rng } from "../random";
import { hostDays, hostOf, vhostLog } from "../vhost-log";
import { BASJES, config, geo, readFixture, SEMICOMPLETE } from "./fixtures";

const combined = readFixture(SEMICOMPLETE) + readFixture(BASJES);
const OTHERS = 40;
const c = { ...config({ siteHosts: ["semicomplete.com"] }), format: "vhost_combined" };
const log = vhostLog(combined, OTHERS);

describe("virtual hosts: the vhosts panel and each host's days", () => {
  it.each([
    ["Example.ORG:8080", "example.org"],
    ["example.org", "example.org"],
    ["example.org:", "example.org"],
    ["[2001:DB8::1]:443", "[2001:db8::1]"],
    ["2001:db8::1", "2001:db8::1"],
    ["", "-"],
  ])("the key of %j is %j", (raw, key) => {
    expect(vhostKey(raw)).toBe(key);
  });

  it("a day's key holds its host, a space in a host included", () => {
    expect(vhostDayOf(vhostDayKey("a b", "2015-05-17"), "a b")).toBe("2015-05-17");
    expect(vhostDayOf(vhostDayKey("a b", "2015-05-17"), "a")).toBeNull();
  });

  const p = analyzeText(log, c, geo());
  const oracle = hostDays(combined, OTHERS, c);

  it("each host's days are those of its own lines, analysed alone", () => {
    expect(p.rejected).toBe(0);
    expect(oracle.size).toBeGreaterThan(20);
    const got = new Map<string, { date: string; hits: number; pages: number; bytes: number }[]>();
    for (const mp of Object.values(p.months))
      for (const [key, [hits, pages, bytes]] of Object.entries(mp.panels["vhost-days"] ?? {})) {
        const host = key.slice(0, -11);
        expect(vhostDayOf(key, host)).not.toBeNull();
        if (!got.has(host)) got.set(host, []);
        got.get(host)!.push({ date: key.slice(-10), hits, pages, bytes });
      }
    for (const days of got.values()) days.sort((a, b) => (a.date < b.date ? -1 : 1));
    expect(got).toEqual(oracle);
  });

  it("the vhosts panel: every hit, keyed lowercased without the port; pages less robots' by behaviour are the month's", () => {
    const rules = robotRules(c);
    for (const [month, mp] of Object.entries(p.months)) {
      const rows = Object.entries(mp.panels.vhosts ?? {});
      const r = monthReport(month, mp, rules);
      const sum = (i: number) => rows.reduce((n, [, row]) => n + row[i], 0);
      expect(rows.every(([k]) => k === k.toLowerCase() && !k.includes(":"))).toBe(true);
      expect(sum(0)).toBe(r.hits);
      expect(sum(2)).toBe(r.bytes);
      expect(sum(1) - r.behaviour.pages).toBe(r.pages);
      // Each host's row is the sum of its days.
      for (const [host, row] of rows) {
        const days = oracle.get(host)!.filter((d) => d.date.startsWith(month));
        expect(row.slice(0, 3), host).toEqual([
          days.reduce((n, d) => n + d.hits, 0),
          days.reduce((n, d) => n + d.pages, 0),
          days.reduce((n, d) => n + d.bytes, 0),
        ]);
      }
    }
    expect(Object.keys(p.months["2015-05"].panels.vhosts!)).toContain("www.example.org");
  });

  it("a log whose format has no virtual host leaves both panels empty", () => {
    const plain = analyzeText(combined, config({ siteHosts: ["semicomplete.com"] }), geo());
    for (const mp of Object.values(plain.months)) {
      expect(mp.panels.vhosts).toEqual({});
      expect(mp.panels["vhost-days"]).toEqual({});
    }
  });

  it.each([
    [
      '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{Host}i',
      (l: string, host: string) => `${l} ${host}`,
    ],
    [
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$host"',
      (l: string, host: string) => `${l} "${host}"`,
    ],
    [
      // The Host header as the client sent it, port and all.
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $http_host',
      (l: string, host: string) => `${l} ${host}`,
    ],
  ])("the host from %s, with its port: the same panels", (format, put) => {
    // Not the line whose agent lacks its closing quote: a field after it cannot be found.
    const lines = combined.split("\n").filter((l) => l.endsWith('"'));
    const text = lines
      .map((l, i) => put(l, `${hostOf(l, OTHERS).toUpperCase()}:${8000 + i}`))
      .join("\n");
    const other = analyzeText(text, { ...c, format }, geo());
    const same = analyzeText(vhostLog(lines.join("\n"), OTHERS), c, geo());
    expect(other.rejected).toBe(0);
    for (const [month, mp] of Object.entries(same.months)) {
      expect(other.months[month].panels.vhosts).toEqual(mp.panels.vhosts);
      expect(other.months[month].panels["vhost-days"]).toEqual(mp.panels["vhost-days"]);
    }
  });

  it.each(Array.from({ length: 10 }, (_, i) => [3000 + i]))(
    "random split and order, seed %i: the same panels",
    (seed) => {
      const lines = log.split("\n").filter((l) => l !== "");
      const merged = emptyPartial();
      for (const chunk of randomChunks(lines, rng(seed)))
        mergePartials(merged, analyzeText(chunk.join("\n"), c, geo()), c.visitGapSeconds);
      const panels = (x: typeof p) =>
        Object.fromEntries(
          Object.entries(x.months).map(([m, mp]) => [
            m,
            [sorted(mp.panels.vhosts), sorted(mp.panels["vhost-days"])],
          ]),
        );
      expect(panels(merged)).toEqual(panels(p));
    },
  );
});

const sorted = (rows: Record<string, Row> | undefined) =>
  Object.entries(rows ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
