-- What robots found by their behaviour put in the human panels, per month (docs/figures.md). Months
-- stored before this migration keep 0: their panels were never split.
ALTER TABLE `months` ADD `behaviour_hits` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `months` ADD `behaviour_pages` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `months` ADD `behaviour_ref_hits` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `months` ADD `behaviour_search_hits` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `months` ADD `behaviour_image_hits` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `months` ADD `behaviour_download_hits` integer DEFAULT 0 NOT NULL;