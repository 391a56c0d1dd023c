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

const hostsOf = async (siteId: number) =>
  (
    await env.DB.prepare(
      "SELECT month, bucket, host_counts AS hosts FROM month_buckets WHERE site_id = ?1 ORDER BY month, bucket",
    )
      .bind(siteId)
      .all<{ month: string; bucket: number; hosts: string }>()
  ).results;

describe("0008: a month bucket's hosts become a JSON object", () => {
  it("renames the column, so that the code of before fails on it instead of writing its form", async () => {
    expect(migration("0008_")[0]).toMatch(/RENAME COLUMN `hosts` TO `host_counts`/);
    await fails("SELECT hosts FROM month_buckets");
  });

  it("converts every host of the old form, and later chunks add to them as if it had always been so", async () => {
    const { migrated, straight, rest } = await twoSites("hosts");

    // The migrated site's hosts go back to the old form, then through the migration.
    const before = await hostsOf(migrated.id);
    expect(before.length).toBeGreaterThan(10);
    const hostCount = before.reduce((n, r) => n + Object.keys(JSON.parse(r.hosts)).length, 0);
    expect(hostCount).toBeGreaterThan(100);
    await env.DB.batch(
      before.map((r) =>
        env.DB.prepare(
          "UPDATE month_buckets SET host_counts = ?4 WHERE site_id = ?1 AND month = ?2 AND bucket = ?3",
        ).bind(migrated.id, r.month, r.bucket, oldHosts(r.hosts)),
      ),
    );
    const old = await hostsOf(migrated.id);
    expect(old.every((r) => /^([0-9A-Za-z_-]{29})+$/.test(r.hosts))).toBe(true);
    const after = await convertTwice("0008_", () => hostsOf(migrated.id));
    expect(after.map((r) => JSON.parse(r.hosts))).toEqual(before.map((r) => JSON.parse(r.hosts)));

    await rest();
    const parsed = async (id: number) =>
      (await hostsOf(id)).map((r) => ({ ...r, hosts: JSON.parse(r.hosts) }));
    expect(await parsed(migrated.id)).toEqual(await parsed(straight.id));
    expect(await storedFigures(migrated.id)).toEqual(await storedFigures(straight.id));
  });
});

const bucketsOf = async (siteId: number) =>
  (
    await env.DB.prepare(
      "SELECT date, bucket, visitor_days AS records FROM day_buckets WHERE site_id = ?1 ORDER BY date, bucket",
    )
      .bind(siteId)
      .all<{ date: string; bucket: number; records: string }>()
  ).results.map((r) => ({ ...r, records: JSON.parse(r.records) }));

describe("0009: a day bucket's records are grouped by address", () => {
  it("renames the column, so that the code of before fails on it instead of writing its form", async () => {
    expect(migration("0009_")[0]).toMatch(/RENAME COLUMN `records` TO `visitor_days`/);
    await fails("SELECT records FROM day_buckets");
  });

  it("converts every record of the old form, and later chunks merge with them as if it had always been so", async () => {
    const { migrated, straight, rest } = await twoSites("days");

    const before = await bucketsOf(migrated.id);
    const records = before.reduce(
      (n, r) => n + Object.values(r.records as Record<string, object>).flatMap(Object.keys).length,
      0,
    );
    expect(records).toBeGreaterThan(100);
    await env.DB.batch(
      before.map((r) =>
        env.DB.prepare(
          "UPDATE day_buckets SET visitor_days = ?4 WHERE site_id = ?1 AND date = ?2 AND bucket = ?3",
        ).bind(migrated.id, r.date, r.bucket, oldRecords(JSON.stringify(r.records))),
      ),
    );
    expect(await bucketsOf(migrated.id)).not.toEqual(before);
    expect(await convertTwice("0009_", () => bucketsOf(migrated.id))).toEqual(before);

    await rest();
    expect(await bucketsOf(migrated.id)).toEqual(await bucketsOf(straight.id));
    expect(await storedFigures(migrated.id)).toEqual(await storedFigures(straight.id));
  });
});

const visitorsOf = async (siteId: number) =>
  (
    await env.DB.prepare(
      "SELECT month, bucket, human_days AS visitors FROM month_buckets WHERE site_id = ?1 ORDER BY month, bucket",
    )
      .bind(siteId)
      .all<{ month: string; bucket: number; visitors: string }>()
  ).results;

describe("0010: a month bucket's visitors become a JSON object", () => {
  it("renames the column, so that the code of before fails on it instead of writing its form", async () => {
    expect(migration("0010_")[0]).toMatch(/RENAME COLUMN `entries` TO `human_days`/);
    await fails("SELECT entries FROM month_buckets");
  });

  it("converts every visitor of the old form, and later chunks count them as if it had always been so", async () => {
    const { migrated, straight, rest } = await twoSites("visitors");

    const before = await visitorsOf(migrated.id);
    const visitors = before.reduce((n, r) => n + Object.keys(JSON.parse(r.visitors)).length, 0);
    expect(visitors).toBeGreaterThan(100);
    // A bucket of hosts alone held no visitor entry: the empty text.
    await env.DB.batch([
      ...before.map((r) =>
        env.DB.prepare(
          "UPDATE month_buckets SET human_days = ?4 WHERE site_id = ?1 AND month = ?2 AND bucket = ?3",
        ).bind(migrated.id, r.month, r.bucket, oldEntries(r.visitors)),
      ),
      env.DB.prepare(
        "INSERT INTO month_buckets (site_id, month, bucket, human_days, host_counts) VALUES (?1, '2015-04', 0, '', '{}')",
      ).bind(migrated.id),
    ]);
    const old = await visitorsOf(migrated.id);
    expect(old.every((r) => /^([0-9A-Za-z_-]{12})*$/.test(r.visitors))).toBe(true);
    const after = await convertTwice("0010_", () => visitorsOf(migrated.id));
    expect(after.map((r) => JSON.parse(r.visitors))).toEqual([
      {},
      ...before.map((r) => JSON.parse(r.visitors)),
    ]);
    await env.DB.prepare("DELETE FROM month_buckets WHERE site_id = ?1 AND month = '2015-04'")
      .bind(migrated.id)
      .run();

    await rest();
    const parsed = async (id: number) =>
      (await visitorsOf(id)).map((r) => ({ ...r, visitors: JSON.parse(r.visitors) }));
    expect(await parsed(migrated.id)).toEqual(await parsed(straight.id));
    expect(await storedFigures(migrated.id)).toEqual(await storedFigures(straight.id));
  });
});
