import { jsonTextSlices, objectText } from "../json-slices";
import { jsonPairs } from "./json-members";

import type { BucketDays } from "../../ingest/day-records";

/** A bucket to write: the visitor-days set in it, by address key then visitor key. */
export interface DayBucketRow {
  date: string;
  bucket: number;
  records: BucketDays;
}

/** A bucket as read: the stored visitor-days of the addresses asked for (those it holds). */
export interface DayBucketRead {
  date: string;
  bucket: number;
  records: BucketDays;
}

/**
 * Of the given [date, bucket, address keys] (one primary-key lookup each), the visitor-days of
 * those addresses, picked out of the stored bucket by D1.
 */
export function readDayBuckets(
  db: D1Database,
  siteId: number,
  keys: [date: string, bucket: number, addresses: string[]][],
): D1PreparedStatement {
  return db
    .prepare(`SELECT b.date AS date, b.bucket AS bucket,
        ${jsonPairs("b.visitor_days", "j.value -> 2", true)} AS records
      FROM json_each(?2) AS j CROSS JOIN day_buckets AS b
      ON b.site_id = ?1 AND b.date = j.value ->> 0 AND b.bucket = j.value ->> 1`)
    .bind(siteId, JSON.stringify(keys));
}

/** What readDayBuckets answers, per row. */
export function dayBucketRead(row: {
  date: string;
  bucket: number;
  records: string;
}): DayBucketRead {
  return { ...row, records: JSON.parse(row.records) as DayBucketRead["records"] };
}

/** The visitor-days set are merged into the stored bucket by D1 (a JSON merge patch). */
export function writeDayBuckets(
  db: D1Database,
  siteId: number,
  rows: DayBucketRow[],
): D1PreparedStatement[] {
  const texts = rows.map(
    (r) => `[${JSON.stringify(r.date)},${r.bucket},${objectText(r.records, true)}]`,
  );
  return jsonTextSlices(texts).map((json) =>
    db
      .prepare(`INSERT INTO day_buckets (site_id, date, bucket, visitor_days)
        SELECT ?1, j.value ->> 0, j.value ->> 1, json(j.value -> 2) FROM json_each(?2) AS j WHERE true
        ON CONFLICT (site_id, date, bucket) DO UPDATE SET visitor_days = json_patch(day_buckets.visitor_days, excluded.visitor_days)`)
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
