-- A day bucket becomes a JSON object from address key to an object from visitor key to the
-- visitor-day's record (an array), so that D1 picks out the addresses a chunk names and merges its
-- changes in place (worker/db/queries/day-buckets.ts): before, each chunk read and wrote its
-- buckets whole. The old form was an object from the 22-character `addressKey visitorKey` to the
-- record's JSON text. Buckets already converted (no text value) are left alone.
-- The column takes a new name: the code of before, still serving while a deploy goes out, then
-- fails on it (the agent retries the chunk) instead of writing its form into the new one.
ALTER TABLE `day_buckets` RENAME COLUMN `records` TO `visitor_days`;--> statement-breakpoint
UPDATE day_buckets SET visitor_days = (
  SELECT coalesce(json_group_object(a, json(o)), '{}') FROM (
    SELECT substr(j.key, 1, 11) AS a, json_group_object(substr(j.key, 12), json(j.value)) AS o
    FROM json_each(day_buckets.visitor_days) AS j GROUP BY substr(j.key, 1, 11)
  )
)
WHERE EXISTS (SELECT 1 FROM json_each(day_buckets.visitor_days) AS j WHERE j.type = 'text');
