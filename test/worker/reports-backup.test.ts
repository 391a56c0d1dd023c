import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { importSiteSql, importStateSql } from "../../worker/db/queries/import-site";
import type { MonthJson } from "../../worker/routes/reports-model";
import type { SiteExport } from "../../worker/schemas/site-export";
import { checkExport } from "../../worker/schemas/site-export";
import type { TestSite } from "./helpers";
import { createSite, dumpDatabase, oldEntries, oldHosts, oldRecords } from "./helpers";
import { getJson, read, semicompleteText, standardSite, uploadText } from "./reports-data";

// The owner's backup: the worker exports; `npm run site -- import` restores. The restore's
// statements are the very text the CLI hands to `wrangler d1 execute --file`, which locally runs
// them as one D1 batch, as here (test/scripts/site-import.test.ts runs the CLI itself).

const exportOf = (site: TestSite) => getJson<SiteExport>(site, `/api/v1/sites/${site.name}/export`);

interface ImportState {
  id: number;
  hasData: number;
  maxRunId: number;
  version: number;
}

const importState = async (site: TestSite) =>
  (await env.DB.prepare(importStateSql(site.name)).first<ImportState>())!;

/** What the CLI does after its checks: the statements, in one batch. */
async function restore(site: TestSite, body: unknown, state?: ImportState): Promise<void> {
  const checked = checkExport(body);
  if (!checked.ok) throw new Error(checked.errors.join("; "));
  const s = state ?? (await importState(site));
  if (s.hasData) throw new Error("not empty");
  const sql = importSiteSql(s, checked.rows, JSON.stringify(checked.config));
  await env.DB.batch(sql.map((q) => env.DB.prepare(q)));
}

const comparable = ({ site: _s, exportedAt: _e, ...rest }: SiteExport) => rest;

describe("export and import: the owner's backup", () => {
  let source: TestSite;
  let backup: SiteExport;
  beforeAll(async () => {
    source = await standardSite("source");
    backup = await exportOf(source);
  });

  it("the export holds every table of the site's statistics, runs numbered 1..n, and passes the import's checks", () => {
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
    const checked = checkExport(backup);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
  });

  it("export → import into an empty site → export: equal, and the same figures on every route", async () => {
    const target = await createSite("restored");
    await restore(target, backup);
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

  it("an export made before migrations 0008 to 0010 (month buckets as fixed-width entries, visitor-days by joined keys) restores the same site", async () => {
    const months = backup.tables.month_buckets.rows;
    const days = backup.tables.day_buckets.rows;
    expect(months.some((r) => r[2] !== "{}")).toBe(true);
    expect(months.some((r) => r[3] !== "" && r[3] !== "{}")).toBe(true);
    expect(days.length).toBeGreaterThan(0);
    const older = {
      ...backup,
      tables: {
        ...backup.tables,
        month_buckets: {
          columns: ["month", "bucket", "entries", "hosts"],
          rows: months.map((r) => [
            ...r.slice(0, 2),
            oldEntries(r[2] as string),
            oldHosts(r[3] as string),
          ]),
        },
        day_buckets: {
          columns: ["date", "bucket", "records"],
          rows: days.map((r) => [...r.slice(0, 2), oldRecords(r[2] as string)]),
        },
      },
    };
    expect(older.tables.month_buckets.rows).not.toEqual(months);
    expect(older.tables.day_buckets.rows).not.toEqual(days);
    const target = await createSite("from-older");
    await restore(target, older);
    const restored = comparable(await exportOf(target));
    // JSON cells compare as values: D1 may order an object's keys otherwise.
    const parsed = (e: typeof restored) => ({
      ...e,
      tables: {
        ...e.tables,
        month_buckets: e.tables.month_buckets.rows.map((r) => [
          ...r.slice(0, 2),
          JSON.parse(r[2] as string),
          JSON.parse(r[3] as string),
        ]),
        day_buckets: e.tables.day_buckets.rows.map((r) => [
          ...r.slice(0, 2),
          JSON.parse(r[2] as string),
        ]),
      },
    });
    expect(parsed(restored)).toEqual(parsed(comparable(backup)));
  });

  it("the restored site keeps its chunk receipts: the agent's next upload of an old chunk changes nothing", async () => {
    const target = await createSite("resumed");
    await restore(target, backup);
    const before = await getJson<MonthJson>(target, "/api/v1/sites/resumed/months/2015-05");
    const { firstPart } = await import("./reports-data");
    // The same chunks the source received (same source ids and ranges): all answered already-applied.
    await uploadText(target, semicompleteText.slice(0, firstPart()), "semicomplete-a", 2);
    expect(await getJson<MonthJson>(target, "/api/v1/sites/resumed/months/2015-05")).toEqual(
      before,
    );
  });

  it("a site that holds statistics says so; one that gets some after the check is refused whole by the guard", async () => {
    expect((await importState(source)).hasData).toBe(1);
    const target = await createSite("raced");
    const state = await importState(target);
    expect(state.hasData).toBe(0);
    // An upload lands between the CLI's check and its batch.
    await uploadText(
      target,
      semicompleteText.slice(0, semicompleteText.indexOf("\n") + 1),
      "late",
      1,
    );
    const before = await dumpDatabase();
    await expect(restore(target, backup, state)).rejects.toThrow(
      /NOT NULL constraint failed: guard\.ok/,
    );
    expect(await dumpDatabase()).toEqual(before);
  });

  /** The export with one cell replaced. */
  const withCell = (t: keyof SiteExport["tables"], row: number, col: number, value: unknown) => ({
    ...backup,
    tables: {
      ...backup.tables,
      [t]: {
        ...backup.tables[t],
        rows: backup.tables[t].rows.map((r, i) =>
          i === row ? r.map((v, j) => (j === col ? value : v)) : r,
        ),
      },
    },
  });

  it.each<[string, () => unknown, RegExp]>([
    ["not an export", () => ({ hello: 1 }), /format/],
    [
      "a wrong column list",
      () => ({
        ...backup,
        tables: { ...backup.tables, days: { ...backup.tables.days, columns: ["date"] } },
      }),
      /tables\.days\.columns must be date,hits/,
    ],
    ["a run that is not exported", () => withCell("months", 0, 10, 9), /names no exported run/],
    ["an unknown configuration key", () => ({ ...backup, config: { nope: true } }), /config/],
    [
      "a search engine host that is not a string",
      () => ({
        ...backup,
        config: { searchEngines: [{ name: "x", hosts: [1], params: ["q"] }] },
      }),
      /config\.searchEngines\.0\.hosts\.0/,
    ],
    [
      "a format that does not compile",
      () => ({ ...backup, config: { format: "%h %Z" } }),
      /format/,
    ],
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
      /tables\.days\.rows\[\d+\]: a second row with the key/,
    ],
    ["a text counter", () => withCell("months", 0, 1, "12"), /tables\.months\.rows\[0\]\[1\]/],
    ["a month that is no month", () => withCell("months", 0, 0, "not-a-month"), /YYYY-MM/],
    ["a day that does not exist", () => withCell("days", 0, 0, "2015-02-30"), /no such day/],
    ["a negative count", () => withCell("hours", 0, 2, -1), /tables\.hours\.rows\[0\]\[2\]/],
    ["an hour 24", () => withCell("hours", 0, 1, 24), /tables\.hours\.rows\[0\]\[1\]/],
    [
      "a day bucket whose record is not a visitor-day",
      () => withCell("day_buckets", 0, 2, JSON.stringify({ ["A".repeat(22)]: "[1,2]" })),
      /stored JSON shape/,
    ],
    [
      "a panel head whose rows are not rows",
      () => withCell("panel_heads", 0, 2, '[["/", "many"]]'),
      /stored JSON shape/,
    ],
    ["a sketch that is too short", () => withCell("sketches", 0, 1, "0"), /4,096/],
    ["a chunk that ends before it starts", () => withCell("chunks", 0, 2, 0), /end must be after/],
  ])("refuses %s, before anything is written", (_, body, message) => {
    const r = checkExport(body());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join("\n")).toMatch(message);
  });

  it("takes a visitor entry of no human day, in an export made before migration 0010, as absent", () => {
    const r = checkExport(withCell("month_buckets", 0, 2, "AAAAAAAAAAA3BBBBBBBBBBB0"));
    expect(r.ok && r.rows.month_buckets[0][2]).toBe('{"AAAAAAAAAAA":3}');
  });

  it("lists at most 20 problems", () => {
    const r = checkExport({
      ...backup,
      tables: {
        ...backup.tables,
        panel_tails: {
          ...backup.tables.panel_tails,
          rows: backup.tables.panel_tails.rows.map(() => ["x"]),
        },
      },
    });
    expect(!r.ok && r.errors.length).toBe(20);
  });

  it("there is no import route: the agent token gets 401, the read token 404, nothing written", async () => {
    const target = await createSite("no-route");
    const before = await dumpDatabase();
    for (const [token, status] of [
      [target.agentToken, 401],
      [target.readToken, 404],
    ] as const) {
      const res = await SELF.fetch("http://vigie.test/api/v1/sites/no-route/import", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(backup),
      });
      expect(res.status).toBe(status);
    }
    expect(await dumpDatabase()).toEqual(before);
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
