/**
 * Migrations that change how stored data is written: a site with data of the old form, migrated,
 * then given more chunks, ends with the figures of a site that never had the old form.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import semicompleteText from "../fixtures/semicomplete-2015-05.combined.log?raw";
import {
  createSite,
  lineStarts,
  oldEntries,
  oldHosts,
  oldRecords,
  storedFigures,
  uploadRange,
} from "./helpers";

const log = new TextEncoder().encode(semicompleteText);

/** What migration `name` runs. */
function migration(name: string): string[] {
  const m = env.TEST_MIGRATIONS.find((x) => x.name.startsWith(name));
  if (!m) throw new Error(`no migration ${name}`);
  return m.queries;
}

/** Its conversion alone: the column's new name is already in place (setup ran every migration). */
const conversion = (name: string) => migration(name).filter((q) => !/^\s*ALTER TABLE/i.test(q));

/** The statement fails, as the code of before a migration fails on the renamed column. */
const fails = (sql: string) => expect(env.DB.prepare(sql).all()).rejects.toThrow(/no such column/);

/**
 * Two sites keyed alike, each given the log's first half: `migrated` (whose stored form a test puts
 * back as it was, then converts) and `straight`. `rest()` gives both the second half.
 */
async function twoSites(name: string) {
  const half = lineStarts(log)[lineStarts(log).length >> 1];
  const secret = `migration-${name}`;
  const migrated = await createSite(`migrated-${name}`, { secret });
  const straight = await createSite(`straight-${name}`, { secret });
  const upload = async (start: number, end: number) => {
    for (const site of [migrated, straight])
      expect((await uploadRange(site, log, start, end)).status).toBe(200);
  };
  await upload(0, half);
  return { migrated, straight, rest: () => upload(half, log.length) };
}

/** Runs a migration's conversion twice: the second run must change nothing. */
async function convertTwice<T>(name: string, read: () => Promise<T>): Promise<T> {
  for (const q of conversion(name)) await env.DB.prepare(q).run();
  const once = await read();
  for (const q of conversion(name)) await env.DB.prepare(q).run();
  expect(await read()).toEqual(once);
  return once;
}

/** A bucket table's cells of one column, a site's, in key order (`period`: month or date). */
const cellsOf =
  (table: "month_buckets" | "day_buckets", period: "month" | "date", column: string) =>
  async (siteId: number) =>
    (
      await env.DB.prepare(
        `SELECT ${period} AS period, bucket, ${column} AS cell FROM ${table} WHERE site_id = ?1 ORDER BY ${period}, bucket`,
      )
        .bind(siteId)
        .all<{ period: string; bucket: number; cell: string }>()
    ).results;

/** Writes the cells back into the same column (a test's old form of them). */
const putBack = (
  table: "month_buckets" | "day_buckets",
  period: "month" | "date",
  column: string,
  siteId: number,
  rows: { period: string; bucket: number; cell: string }[],
) =>
  rows.map((r) =>
    env.DB.prepare(
      `UPDATE ${table} SET ${column} = ?4 WHERE site_id = ?1 AND ${period} = ?2 AND bucket = ?3`,
    ).bind(siteId, r.period, r.bucket, r.cell),
  );

describe("a migration that converts a column renames it, so that the code of before fails on it instead of writing its form", () => {
  it.each([
    ["0008_", "month_buckets", "hosts", "host_counts"],
    ["0009_", "day_buckets", "records", "visitor_days"],
    ["0010_", "month_buckets", "entries", "human_days"],
  ])("%s: %s.%s becomes %s", async (name, table, from, to) => {
    expect(migration(name)[0]).toContain(`RENAME COLUMN \`${from}\` TO \`${to}\``);
    await fails(`SELECT ${from} FROM ${table}`);
  });
});

const hostsOf = cellsOf("month_buckets", "month", "host_counts");

describe("0008: a month bucket's hosts become a JSON object", () => {
  it("converts every host of the old form, and later chunks add to them as if it had always been so", async () => {
    const { migrated, straight, rest } = await twoSites("hosts");

    // The migrated site's hosts go back to the old form, then through the migration.
    const before = await hostsOf(migrated.id);
    expect(before.length).toBeGreaterThan(10);
    const hostCount = before.reduce((n, r) => n + Object.keys(JSON.parse(r.cell)).length, 0);
    expect(hostCount).toBeGreaterThan(100);
    await env.DB.batch(
      putBack(
        "month_buckets",
        "month",
        "host_counts",
        migrated.id,
        before.map((r) => ({ ...r, cell: oldHosts(r.cell) })),
      ),
    );
    const old = await hostsOf(migrated.id);
    expect(old.every((r) => /^([0-9A-Za-z_-]{29})+$/.test(r.cell))).toBe(true);
    const after = await convertTwice("0008_", () => hostsOf(migrated.id));
    expect(after.map((r) => JSON.parse(r.cell))).toEqual(before.map((r) => JSON.parse(r.cell)));

    await rest();
    const parsed = async (id: number) =>
      (await hostsOf(id)).map((r) => ({ ...r, cell: JSON.parse(r.cell) }));
    expect(await parsed(migrated.id)).toEqual(await parsed(straight.id));
    expect(await storedFigures(migrated.id)).toEqual(await storedFigures(straight.id));
  });
});

const recordsOf = cellsOf("day_buckets", "date", "visitor_days");
const bucketsOf = async (siteId: number) =>
  (await recordsOf(siteId)).map((r) => ({ ...r, cell: JSON.parse(r.cell) as object }));

describe("0009: a day bucket's records are grouped by address", () => {
  it("converts every record of the old form, and later chunks merge with them as if it had always been so", async () => {
    const { migrated, straight, rest } = await twoSites("days");

    const before = await bucketsOf(migrated.id);
    const records = before.reduce(
      (n, r) => n + Object.values(r.cell as Record<string, object>).flatMap(Object.keys).length,
      0,
    );
    expect(records).toBeGreaterThan(100);
    await env.DB.batch(
      putBack(
        "day_buckets",
        "date",
        "visitor_days",
        migrated.id,
        before.map((r) => ({ ...r, cell: oldRecords(JSON.stringify(r.cell)) })),
      ),
    );
    expect(await bucketsOf(migrated.id)).not.toEqual(before);
    expect(await convertTwice("0009_", () => bucketsOf(migrated.id))).toEqual(before);

    await rest();
    expect(await bucketsOf(migrated.id)).toEqual(await bucketsOf(straight.id));
    expect(await storedFigures(migrated.id)).toEqual(await storedFigures(straight.id));
  });
});

const visitorsOf = cellsOf("month_buckets", "month", "human_days");

describe("0010: a month bucket's visitors become a JSON object", () => {
  it("converts every visitor of the old form, and later chunks count them as if it had always been so", async () => {
    const { migrated, straight, rest } = await twoSites("visitors");

    const before = await visitorsOf(migrated.id);
    const visitors = before.reduce((n, r) => n + Object.keys(JSON.parse(r.cell)).length, 0);
    expect(visitors).toBeGreaterThan(100);
    // A bucket of hosts alone held no visitor entry: the empty text.
    await env.DB.batch([
      ...putBack(
        "month_buckets",
        "month",
        "human_days",
        migrated.id,
        before.map((r) => ({ ...r, cell: oldEntries(r.cell) })),
      ),
      env.DB.prepare(
        "INSERT INTO month_buckets (site_id, month, bucket, human_days, host_counts) VALUES (?1, '2015-04', 0, '', '{}')",
      ).bind(migrated.id),
    ]);
    const old = await visitorsOf(migrated.id);
    expect(old.every((r) => /^([0-9A-Za-z_-]{12})*$/.test(r.cell))).toBe(true);
    const after = await convertTwice("0010_", () => visitorsOf(migrated.id));
    expect(after.map((r) => JSON.parse(r.cell))).toEqual([
      {},
      ...before.map((r) => JSON.parse(r.cell)),
    ]);
    await env.DB.prepare("DELETE FROM month_buckets WHERE site_id = ?1 AND month = '2015-04'")
      .bind(migrated.id)
      .run();

    await rest();
    const parsed = async (id: number) =>
      (await visitorsOf(id)).map((r) => ({ ...r, cell: JSON.parse(r.cell) }));
    expect(await parsed(migrated.id)).toEqual(await parsed(straight.id));
    expect(await storedFigures(migrated.id)).toEqual(await storedFigures(straight.id));
  });
});
