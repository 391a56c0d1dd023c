-- A month bucket's visitors become a JSON object from visitor key to the visitor's human days in
-- the month, so that D1 picks out the visitors a chunk names and merges its changes in place
-- (worker/db/queries/month-buckets.ts): before, each chunk read and wrote its month's buckets'
-- visitors whole. The old form was fixed-width entries of 12 key characters: the 11-character
-- visitor key, then its human days as one base-64 digit (worker/core/partial.ts KEY_ALPHABET).
-- Rows already converted (starting with "{") are left alone.
-- The column takes a new name: the code of before, still serving while a deploy goes out, then
-- fails on it (the agent retries the chunk) instead of writing its form into the new one.
ALTER TABLE `month_buckets` RENAME COLUMN `entries` TO `human_days`;--> statement-breakpoint
WITH RECURSIVE e(site_id, month, bucket, at) AS (
  SELECT site_id, month, bucket, 1 FROM month_buckets WHERE length(human_days) >= 12 AND substr(human_days, 1, 1) <> '{'
  UNION ALL
  SELECT e.site_id, e.month, e.bucket, e.at + 12 FROM e JOIN month_buckets AS b
    ON b.site_id = e.site_id AND b.month = e.month AND b.bucket = e.bucket
  WHERE e.at + 24 <= length(b.human_days) + 1
)
UPDATE month_buckets SET human_days = (
  SELECT json_group_object(substr(b.human_days, e.at, 11),
      instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.human_days, e.at + 11, 1)) - 1)
  FROM e JOIN month_buckets AS b ON b.site_id = e.site_id AND b.month = e.month AND b.bucket = e.bucket
  WHERE e.site_id = month_buckets.site_id AND e.month = month_buckets.month AND e.bucket = month_buckets.bucket
)
WHERE length(human_days) >= 12 AND substr(human_days, 1, 1) <> '{';--> statement-breakpoint
UPDATE month_buckets SET human_days = '{}' WHERE human_days = '';
