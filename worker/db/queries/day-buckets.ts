import { jsonSlices } from "../json-slices";

export interface DayBucketRow {
  date: string;
  bucket: number;
  records: string;
}

/** The buckets of the given [date, bucket] pairs (one primary-key lookup each). */
export function readDayBuckets(
  db: D1Database,
  siteId: number,
  keys: [string, number][],
): D1PreparedStatement {
  return db
    .prepare(`SELECT b.date AS date, b.bucket AS bucket, b.records AS records
      FROM json_each(?2) AS j CROSS JOIN day_buckets AS b
      ON b.site_id = ?1 AND b.date = j.value ->> 0 AND b.bucket = j.value ->> 1`)
    .bind(siteId, JSON.stringify(keys));
}

export function writeDayBuckets(
  db: D1Database,
  siteId: number,
  rows: DayBucketRow[],
): D1PreparedStatement[] {
  return jsonSlices(rows.map((r) => [r.date, r.bucket, r.records])).map((json) =>
    db
      .prepare(`INSERT INTO day_buckets (site_id, date, bucket, records)
        SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?2) AS j WHERE true
        ON CONFLICT (site_id, date, bucket) DO UPDATE SET records = excluded.records`)
      .bind(siteId, json),
  );
}

/** Closes the days before `date`: their visitor-days go. */
export function deleteDayBucketsBefore(
  db: D1Database,
  siteId: number,
  date: string,
): D1PreparedStatement {
  return db.prepare("DELETE FROM day_buckets WHERE site_id = ?1 AND date < ?2").bind(siteId, date);
}
