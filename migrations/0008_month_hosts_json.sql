-- A month bucket's hosts become a JSON object from host key to [hits, pages, bytes], so that D1
-- picks out the hosts a chunk names and merges its changes in place (worker/db/queries/
-- month-buckets.ts): before, each chunk read and wrote every host of the month. The old form was
-- fixed-width entries of 29 key characters: the 11-character host key, then hits, pages and bytes
-- as 5, 5 and 8 base-64 digits (worker/core/partial.ts KEY_ALPHABET). Rows already converted
-- (starting with "{") are left alone.
-- The column takes a new name: the code of before, still serving while a deploy goes out, then
-- fails on it (the agent retries the chunk) instead of writing its form into the new one.
ALTER TABLE `month_buckets` RENAME COLUMN `hosts` TO `host_counts`;--> statement-breakpoint
WITH RECURSIVE e(site_id, month, bucket, at) AS (
  SELECT site_id, month, bucket, 1 FROM month_buckets WHERE length(host_counts) >= 29 AND substr(host_counts, 1, 1) <> '{'
  UNION ALL
  SELECT e.site_id, e.month, e.bucket, e.at + 29 FROM e JOIN month_buckets AS b
    ON b.site_id = e.site_id AND b.month = e.month AND b.bucket = e.bucket
  WHERE e.at + 58 <= length(b.host_counts) + 1
)
UPDATE month_buckets SET host_counts = (
  SELECT json_group_object(substr(b.host_counts, e.at, 11), json_array(
        (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 11, 1)) - 1) * 16777216
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 12, 1)) - 1) * 262144
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 13, 1)) - 1) * 4096
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 14, 1)) - 1) * 64
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 15, 1)) - 1),
        (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 16, 1)) - 1) * 16777216
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 17, 1)) - 1) * 262144
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 18, 1)) - 1) * 4096
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 19, 1)) - 1) * 64
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 20, 1)) - 1),
        (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 21, 1)) - 1) * 4398046511104
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 22, 1)) - 1) * 68719476736
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 23, 1)) - 1) * 1073741824
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 24, 1)) - 1) * 16777216
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 25, 1)) - 1) * 262144
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 26, 1)) - 1) * 4096
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 27, 1)) - 1) * 64
        + (instr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_', substr(b.host_counts, e.at + 28, 1)) - 1)))
  FROM e JOIN month_buckets AS b ON b.site_id = e.site_id AND b.month = e.month AND b.bucket = e.bucket
  WHERE e.site_id = month_buckets.site_id AND e.month = month_buckets.month AND e.bucket = month_buckets.bucket
)
WHERE length(host_counts) >= 29 AND substr(host_counts, 1, 1) <> '{';
