import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { SiteExport } from "../../worker/routes/reports-backup";
import type { MonthJson } from "../../worker/routes/reports-model";
import type { TestSite } from "./helpers";
import { createSite, dumpDatabase } from "./helpers";
import { getJson, read, semicompleteText, standardSite, uploadText } from "./reports-data";

const exportOf = (site: TestSite) => getJson<SiteExport>(site, `/api/v1/sites/${site.name}/export`);

function importInto(site: TestSite, body: unknown, token = site.agentToken): Promise<Response> {
  return SELF.fetch(`http://vigie.test/api/v1/sites/${site.name}/import`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const comparable = ({ site: _s, exportedAt: _e, ...rest }: SiteExport) => rest;

/** The site row, the run count and the guard table: what a refused import must leave as it was. */
async function siteState(site: TestSite) {
  return env.DB.batch([
    env.DB.prepare("SELECT * FROM sites WHERE id = ?1").bind(site.id),
    env.DB.prepare("SELECT COUNT(*) AS n FROM runs"),
    env.DB.prepare("SELECT COUNT(*) AS n FROM guard"),
  ]).then((r) => r.map((x) => x.results));
}

let emptyExport: SiteExport;

describe("export and import: the owner's backup", () => {
  let source: TestSite;
  let backup: SiteExport;
  beforeAll(async () => {
    source = await standardSite("source");
    backup = await exportOf(source);
    emptyExport = await exportOf(await createSite("empty"));
  });

  it("the export holds every table of the site's statistics, runs numbered 1..n", () => {
    expect(backup).toMatchObject({ format: "vigie-export", version: 2, site: "source" });
    expect(backup.config).toMatchObject({ siteHosts: ["semicomplete.com"] });
    for (const t of [
      "months",
      "days",
      "hours",
      "panel_heads",
      "panel_tails",
      "day_buckets",
      "month_buckets",
      "sketches",
      "year_figures",
      "chunks",
      "watched_hits",
    ] as const) {
      expect(backup.tables[t].rows.length, t).toBeGreaterThan(0);
    }
    expect(backup.tables.runs.rows.map((r) => r[0])).toEqual([1, 2]);
    expect(new Set(backup.tables.months.rows.map((r) => r[10]))).toEqual(new Set([1, 2]));
  });

  it("export → import into an empty site → export: equal, and the same figures on every route", async () => {
    const target = await createSite("restored");
    const res = await importInto(target, backup);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ status: "imported", rows: { months: 2, runs: 2 } });
    expect(comparable(await exportOf(target))).toEqual(comparable(backup));
    for (const month of ["2015-05", "2015-10"]) {
      const a = await getJson<MonthJson>(source, `/api/v1/sites/source/months/${month}?limit=1000`);
      const b = await getJson<MonthJson>(
        target,
        `/api/v1/sites/restored/months/${month}?limit=1000`,
      );
      expect({ ...b, site: "source", lastUpdate: 0 }).toEqual({ ...a, lastUpdate: 0 });
    }
  });

  it("the restored site keeps its chunk receipts: the agent's next upload of an old chunk changes nothing", async () => {
    const target = await createSite("resumed");
    expect((await importInto(target, backup)).status).toBe(200);
    const before = await getJson<MonthJson>(target, "/api/v1/sites/resumed/months/2015-05");
    const { firstPart } = await import("./reports-data");
    // The same chunks the source received (same source ids and ranges): all answered already-applied.
    await uploadText(target, semicompleteText.slice(0, firstPart()), "semicomplete-a", 2);
    expect(await getJson<MonthJson>(target, "/api/v1/sites/resumed/months/2015-05")).toEqual(
      before,
    );
  });

  it("refuses a site that holds statistics (409), writing nothing", async () => {
    const before = await dumpDatabase();
    const res = await importInto(source, backup);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("conflict");
    expect(await dumpDatabase()).toEqual(before);
  });

  it.each([
    ["not JSON", "{", 400],
    ["not an export", { hello: 1 }, 400],
    [
      "a wrong column list",
      () => ({
        ...backup,
        tables: { ...backup.tables, days: { ...backup.tables.days, columns: ["date"] } },
      }),
      400,
    ],
    [
      "a run that is not exported",
      () => ({
        ...backup,
        tables: {
          ...backup.tables,
          months: {
            ...backup.tables.months,
            rows: backup.tables.months.rows.map((r) => [...r.slice(0, 10), 9]),
          },
        },
      }),
      400,
    ],
    ["a bad configuration", () => ({ ...backup, config: { nope: true } }), 422],
    [
      "duplicate rows",
      () => ({
        ...backup,
        tables: {
          ...backup.tables,
          days: {
            ...backup.tables.days,
            rows: [...backup.tables.days.rows, backup.tables.days.rows[0]],
          },
        },
      }),
      400,
    ],
  ] as [string, unknown, number][])("refuses %s, writing nothing", async (_name, body, status) => {
    const target = await createSite(`bad-${status}-${Math.random().toString(36).slice(2, 8)}`);
    const before = await siteState(target);
    const res = await importInto(target, typeof body === "function" ? body() : body);
    expect(res.status).toBe(status);
    expect(await siteState(target)).toEqual(before);
    expect(comparable(await exportOf(target)).tables).toEqual(comparable(emptyExport).tables);
  });

  it("needs the agent token: the read token, or none, is 401", async () => {
    const target = await createSite("guarded");
    expect((await importInto(target, backup, target.readToken)).status).toBe(401);
    expect((await importInto(target, backup, "")).status).toBe(401);
    const other = await createSite("other-agent");
    expect((await importInto(target, backup, other.agentToken)).status).toBe(401);
    expect(
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM months WHERE site_id = ?1")
        .bind(target.id)
        .first<{ n: number }>())!.n,
    ).toBe(0);
  });

  it("the export is read-token only and never cached", async () => {
    const res = await SELF.fetch("http://vigie.test/api/v1/sites/source/export", {
      headers: read(source),
    });
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="vigie-source-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(
      (
        await SELF.fetch("http://vigie.test/api/v1/sites/source/export", {
          headers: { authorization: `Bearer ${source.agentToken}` },
        })
      ).status,
    ).toBe(401);
  });
});
