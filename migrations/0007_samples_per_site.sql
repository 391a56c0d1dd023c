-- Rejected-line samples for every upload, not only those inside a run: each sample says its site,
-- month and time (hand-added: the backfill of the samples stored before, from their run and its
-- month's last run).
ALTER TABLE `rejected_samples` ADD `site_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rejected_samples` ADD `month` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `rejected_samples` ADD `at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `rejected_samples_site_month` ON `rejected_samples` (`site_id`,`month`,`at`);--> statement-breakpoint
UPDATE `rejected_samples` SET
  `site_id` = COALESCE((SELECT `site_id` FROM `runs` WHERE `runs`.`id` = `rejected_samples`.`run_id`), 0),
  `at` = COALESCE((SELECT `started_at` FROM `runs` WHERE `runs`.`id` = `rejected_samples`.`run_id`), 0),
  `month` = COALESCE((SELECT max(`month`) FROM `months` WHERE `months`.`last_run_id` = `rejected_samples`.`run_id`), '');
