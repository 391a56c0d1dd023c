-- The hosts of an unsealed month, counted in its visitor-set buckets (worker/ingest/month-set.ts).
ALTER TABLE `month_buckets` ADD `hosts` text DEFAULT '' NOT NULL;