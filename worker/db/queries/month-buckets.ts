import { jsonSlices } from "../json-slices";

export interface MonthBucketRow {
  month: string;
  bucket: number;
  entries: string;
  hosts: string;
}

/** The buckets of the given [month, bucket] pairs. */
export function readMonthBuckets(
  db: D1Database,
  siteId: number,
  keys: [string, number][],
): D1PreparedStatement {
  return db
    .prepare(`SELECT b.month AS month, b.bucket AS bucket, b.entries AS entries, b.hosts AS hosts
      FROM json_each(?2) AS j CROSS JOIN month_buckets AS b
      ON b.site_id = ?1 AND b.month = j.value ->> 0 AND b.bucket = j.value ->> 1`)
    .bind(siteId, JSON.stringify(keys));
}

/** Buckets replace the stored ones; an empty bucket is deleted. */
export function writeMonthBuckets(
  db: D1Database,
  siteId: number,
  rows: MonthBucketRow[],
): D1PreparedStatement[] {
  const empty = (r: MonthBucketRow) => r.entries === "" && r.hosts === "";
  const kept = rows.filter((r) => !empty(r)).map((r) => [r.month, r.bucket, r.entries, r.hosts]);
  const emptied = rows.filter(empty).map((r) => [r.month, r.bucket]);
  return [
    ...jsonSlices(kept).map((json) =>
      db
        .prepare(`INSERT INTO month_buckets (site_id, month, bucket, entries, hosts)
          SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?2) AS j WHERE true
          ON CONFLICT (site_id, month, bucket) DO UPDATE SET entries = excluded.entries, hosts = excluded.hosts`)
        .bind(siteId, json),
    ),
    ...jsonSlices(emptied).map((json) =>
      db
        .prepare(`DELETE FROM month_buckets WHERE site_id = ?1 AND (month, bucket) IN
          (SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?2) AS j)`)
        .bind(siteId, json),
    ),
  ];
}

/** Seals the months before `month`: their visitor sets go, and the months say so. */
export function sealMonthsBefore(
  db: D1Database,
  siteId: number,
  month: string,
): D1PreparedStatement[] {
  return [
    db.prepare("DELETE FROM month_buckets WHERE site_id = ?1 AND month < ?2").bind(siteId, month),
    db
      .prepare("UPDATE months SET sealed = 1 WHERE site_id = ?1 AND month < ?2 AND sealed = 0")
      .bind(siteId, month),
  ];
}
