import { jsonSlices } from "../json-slices";
import { jsonMembers } from "./json-members";

import type { HostCounts } from "../../ingest/month-set";

/** A bucket as read: its visitor entries whole, the counts of the hosts asked for (null: none). */
export interface MonthBucketRead {
  month: string;
  bucket: number;
  entries: string;
  hosts: Record<string, HostCounts | null>;
}

/** A bucket to write: its visitor entries whole, and the hosts to set in it. */
export interface MonthBucketRow {
  month: string;
  bucket: number;
  entries: string;
  hosts: Record<string, HostCounts>;
  /** Its visitor entries became empty: the row goes if it holds no host either. */
  emptied: boolean;
}

/**
 * The buckets of the given [month, bucket, host keys] (one primary-key lookup each): their visitor
 * entries, and of their hosts only those named, picked out of the stored object by D1.
 */
export function readMonthBuckets(
  db: D1Database,
  siteId: number,
  keys: [month: string, bucket: number, hosts: string[]][],
): D1PreparedStatement {
  return db
    .prepare(`SELECT b.month AS month, b.bucket AS bucket, b.entries AS entries,
        ${jsonMembers("b.host_counts", "j.value -> 2")} AS hosts
      FROM json_each(?2) AS j CROSS JOIN month_buckets AS b
      ON b.site_id = ?1 AND b.month = j.value ->> 0 AND b.bucket = j.value ->> 1`)
    .bind(siteId, JSON.stringify(keys));
}

/** What readMonthBuckets answers, per row. */
export function monthBucketRead(row: {
  month: string;
  bucket: number;
  entries: string;
  hosts: string;
}): MonthBucketRead {
  return { ...row, hosts: JSON.parse(row.hosts) as MonthBucketRead["hosts"] };
}

/**
 * Buckets take their new visitor entries and their hosts merged into the stored ones (a JSON merge
 * patch, run by D1: the stored object never travels); a bucket left with neither is deleted.
 */
export function writeMonthBuckets(
  db: D1Database,
  siteId: number,
  rows: MonthBucketRow[],
): D1PreparedStatement[] {
  const emptied = rows.filter((r) => r.emptied).map((r) => [r.month, r.bucket]);
  return [
    ...jsonSlices(rows.map((r) => [r.month, r.bucket, r.entries, r.hosts])).map((json) =>
      db
        .prepare(`INSERT INTO month_buckets (site_id, month, bucket, entries, host_counts)
          SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, json(j.value -> 3) FROM json_each(?2) AS j WHERE true
          ON CONFLICT (site_id, month, bucket) DO UPDATE SET entries = excluded.entries,
            host_counts = json_patch(coalesce(nullif(month_buckets.host_counts, ''), '{}'), excluded.host_counts)`)
        .bind(siteId, json),
    ),
    ...jsonSlices(emptied).map((json) =>
      db
        .prepare(`DELETE FROM month_buckets WHERE site_id = ?1 AND entries = '' AND host_counts IN ('', '{}')
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
