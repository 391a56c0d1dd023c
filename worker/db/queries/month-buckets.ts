import { jsonSlices, jsonTextSlices, objectText } from "../json-slices";
import { jsonPairs } from "./json-members";

import type { HostCounts } from "../../ingest/month-set";

/** A bucket as read: the human days of the visitors and the counts of the hosts asked for, stored. */
export interface MonthBucketRead {
  month: string;
  bucket: number;
  visitors: [string, number][];
  hosts: [string, HostCounts][];
}

/** A bucket to write: the visitors and the hosts to set in it (a visitor set to null leaves). */
export interface MonthBucketRow {
  month: string;
  bucket: number;
  visitors: [string, number | null][];
  hosts: [string, HostCounts][];
  /** Its last visitor left: the row goes if it holds no host either. */
  emptied: boolean;
}

/**
 * The buckets of the given [month, bucket, host keys, visitor keys] (one primary-key lookup each):
 * of their visitors and hosts only those named, picked out of the stored objects by D1.
 */
export function readMonthBuckets(
  db: D1Database,
  siteId: number,
  keys: [month: string, bucket: number, hosts: string[], visitors: string[]][],
): D1PreparedStatement {
  return db
    .prepare(`SELECT b.month AS month, b.bucket AS bucket,
        ${jsonPairs("b.human_days", "j.value -> 3")} AS visitors,
        ${jsonPairs("b.host_counts", "j.value -> 2")} AS hosts
      FROM json_each(?2) AS j CROSS JOIN month_buckets AS b
      ON b.site_id = ?1 AND b.month = j.value ->> 0 AND b.bucket = j.value ->> 1`)
    .bind(siteId, JSON.stringify(keys));
}

/** What readMonthBuckets answers, per row. */
export function monthBucketRead(row: {
  month: string;
  bucket: number;
  visitors: string;
  hosts: string;
}): MonthBucketRead {
  return {
    month: row.month,
    bucket: row.bucket,
    visitors: JSON.parse(row.visitors) as MonthBucketRead["visitors"],
    hosts: JSON.parse(row.hosts) as MonthBucketRead["hosts"],
  };
}

/** The whole visitor sets of the given [month, bucket] (those a visitor leaves). */
export function readMonthVisitors(
  db: D1Database,
  siteId: number,
  keys: [month: string, bucket: number][],
): D1PreparedStatement {
  return db
    .prepare(`SELECT b.month AS month, b.bucket AS bucket, b.human_days AS visitors
      FROM json_each(?2) AS j CROSS JOIN month_buckets AS b
      ON b.site_id = ?1 AND b.month = j.value ->> 0 AND b.bucket = j.value ->> 1`)
    .bind(siteId, JSON.stringify(keys));
}

/**
 * Buckets take their visitors and hosts merged into the stored ones (JSON merge patches, run by
 * D1: the stored objects never travel); a bucket left with neither is deleted.
 */
export function writeMonthBuckets(
  db: D1Database,
  siteId: number,
  rows: MonthBucketRow[],
): D1PreparedStatement[] {
  const emptied = rows.filter((r) => r.emptied).map((r) => [r.month, r.bucket]);
  return [
    ...jsonTextSlices(
      rows.map(
        (r) =>
          `[${JSON.stringify(r.month)},${r.bucket},${objectText(r.visitors)},${objectText(r.hosts)}]`,
      ),
    ).map((json) =>
      db
        // A visitor leaves (null) only a bucket that holds it: a new row's patch has no null.
        .prepare(`INSERT INTO month_buckets (site_id, month, bucket, human_days, host_counts)
          SELECT ?1, j.value ->> 0, j.value ->> 1, json(j.value -> 2), json(j.value -> 3)
          FROM json_each(?2) AS j WHERE true
          ON CONFLICT (site_id, month, bucket) DO UPDATE SET
            human_days = json_patch(month_buckets.human_days, excluded.human_days),
            host_counts = json_patch(coalesce(nullif(month_buckets.host_counts, ''), '{}'), excluded.host_counts)`)
        .bind(siteId, json),
    ),
    ...jsonSlices(emptied).map((json) =>
      db
        .prepare(`DELETE FROM month_buckets WHERE site_id = ?1 AND human_days = '{}' AND host_counts IN ('', '{}')
          AND (month, bucket) IN (SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?2) AS j)`)
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
