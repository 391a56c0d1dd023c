import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteCli } from "./site-cli";
import { MAX_STATEMENT_BYTES } from "../../worker/db/queries/import-site";
import { EXPORT_TABLES, type SiteExport } from "../../worker/schemas/site-export";

/** A small export, as GET /api/v1/sites/NAME/export writes one; many panel rows, some with quotes and semicolons. */
function anExport(panelRows: number): SiteExport {
  const table = <T extends keyof typeof EXPORT_TABLES>(t: T, rows: unknown[][]) => ({
    columns: [...EXPORT_TABLES[t]],
    rows,
  });
  const keys = Array.from(
    { length: panelRows },
    (_, i) => `/it's; DROP TABLE sites; -- ${i} ${"é".repeat(60)}`,
  );
  return {
    format: "vigie-export",
    version: 2,
    site: "old",
    exportedAt: "2026-11-25T12:00:00.000Z",
    config: { siteHosts: ["example.org"] },
    tables: {
      runs: table("runs", [[1, 1700000000, 1700000100, 1, 3, 0, 12.5]]),
      chunks: table("chunks", [["access.log", 0, 300, "a".repeat(64), 1, 3, 0, 1700000050]]),
      months: table("months", [
        ["2015-05", 3, 2, 900, 1, 1, 0, 0, 3, 12.5, 1, 4, 1, 0, 0, 0, 0, 0, 0, 0],
      ]),
      days: table("days", [["2015-05-17", 3, 2, 900, 1, 1, 0]]),
      hours: table("hours", [["2015-05", 10, 3, 2, 900, 0, 1, 1]]),
      panel_heads: table("panel_heads", [
        [
          "2015-05",
          "pages",
          JSON.stringify([["/", 2, 2, 600, 0, 1, 0]]),
          1 + panelRows,
          2 + panelRows,
          2 + panelRows,
          600 + 300 * panelRows,
          1,
          1,
          keys[0] ?? "",
        ],
      ]),
      panel_tails: table(
        "panel_tails",
        keys.map((k) => ["2015-05", "pages", k, 1, 1, 300, 0, 1, 0]),
      ),
      day_buckets: table("day_buckets", [
        [
          "2015-05-17",
          0,
          JSON.stringify({
            ["0123456789A".repeat(2)]:
              '[3,900,2,0,0,0,0,1024,1,0,0,0,0,0,0,[10,3,2],[["/",2,600]],[[36000,36100,36000,"/",36100,"/"]]]',
          }),
        ],
      ]),
      month_buckets: table("month_buckets", [["2015-05", 1, "0123456789AB", ""]]),
      sketches: table("sketches", [["2015-05", "0".repeat(4096)]]),
      year_figures: table("year_figures", [["2015", 1, 0, 1]]),
      watched_hits: table("watched_hits", []),
      rejected_samples: table("rejected_samples", [
        [1, "access.log", 2, "bad line", "garbage", "2015-05", 1700000050],
      ]),
      host_names: table("host_names", [["66.249.0.0/24", null, 1700000000]]),
    },
  };
}

// The real CLI against wrangler's real local D1, in a state directory of its own.
describe("npm run site -- import", () => {
  const state = mkdtempSync(join(tmpdir(), "vigie-import-"));
  const { site, query } = siteCli(state);
  const file = (name: string, body: unknown) => {
    const path = join(state, name);
    writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
    return path;
  };
  const statistics = (name: string) =>
    query(
      `SELECT (SELECT COUNT(*) FROM months WHERE site_id = s.id) AS months, (SELECT COUNT(*) FROM panel_tails WHERE site_id = s.id) AS panels, s.config, s.version FROM sites AS s WHERE s.name = '${name}'`,
    )[0][0];

  beforeAll(() => {
    for (const name of ["demo", "empty"]) expect(site("add", name).status).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  it("restores an export into an empty site in one go, statements under D1's size limit", () => {
    const rows = 2000;
    const ok = site("import", "demo", file("export.json", anExport(rows)));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout.trimEnd().split("\n")).toHaveLength(1);
    const out = JSON.parse(ok.stdout);
    expect(out).toMatchObject({
      site: "demo",
      status: "imported",
      rows: { runs: 1, months: 1, panel_tails: rows, watched_hits: 0 },
    });
    // ~300 KB of panel rows: several statements of at most MAX_STATEMENT_BYTES.
    expect(out.statements).toBeGreaterThan(3 + 9 + (rows * 150) / MAX_STATEMENT_BYTES);
    expect(statistics("demo")).toEqual({
      months: 1,
      panels: rows,
      config: '{"siteHosts":["example.org"]}',
      version: 1,
    });
    const [keys, runs, samples] = query(
      "SELECT key FROM panel_tails ORDER BY key LIMIT 1; SELECT r.id AS id, m.last_run_id AS lastRun FROM runs AS r JOIN months AS m ON m.site_id = r.site_id; SELECT run_id FROM rejected_samples",
    );
    expect(keys[0].key).toMatch(/^\/it's; DROP TABLE sites; -- \d+ é{60}$/);
    // Imported runs take fresh ids, and every reference follows.
    expect(runs).toEqual([{ id: runs[0].id, lastRun: runs[0].id }]);
    expect(samples).toEqual([{ run_id: runs[0].id }]);
  });

  it("refuses a site that holds statistics, an unknown site, a bad export: exit 1, nothing written", () => {
    const again = site("import", "demo", file("again.json", anExport(1)));
    expect(again.status).toBe(1);
    expect(again.stdout).toBe("");
    expect(again.stderr).toContain('site "demo" already holds statistics');

    expect(site("import", "nope", file("nope.json", anExport(1))).stderr).toContain(
      'no site "nope"',
    );

    const bad = anExport(1);
    bad.tables.months.rows[0][0] = "not-a-month";
    bad.tables.days.rows[0][1] = "3";
    (bad.config as Record<string, unknown>).searchEngines = [
      { name: "x", hosts: [1], params: ["q"] },
    ];
    const refused = site("import", "empty", file("bad.json", bad));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("is not a Vigie export");
    expect(refused.stderr).toContain("config.searchEngines.0.hosts.0");
    expect(refused.stderr).toContain("tables.months.rows[0][0]: must be YYYY-MM");
    expect(refused.stderr).toContain("tables.days.rows[0][1]");

    const notJson = site("import", "empty", file("broken.json", "{"));
    expect(notJson.status).toBe(1);
    expect(notJson.stderr).toContain("not JSON");
    expect(statistics("empty")).toMatchObject({ months: 0, panels: 0, config: "{}", version: 0 });
  });

  it("refuses a file over 256 MB before reading it", () => {
    const huge = join(state, "huge.json");
    writeFileSync(huge, "");
    truncateSync(huge, 256 * 1024 * 1024 + 1); // sparse: no disk used
    const r = site("import", "empty", huge);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("over the 268435456 an import reads");
  });
});
