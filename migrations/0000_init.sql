-- Edited by hand after drizzle-kit generate: every table keyed by a composite primary key is
-- declared WITHOUT ROWID (drizzle-kit does not emit it). D1 then writes one row per new key, not two
-- (the table and its primary-key index), and the table takes about half the space.
CREATE TABLE `chunks` (
	`site_id` integer NOT NULL,
	`source` text NOT NULL,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`sha256` text NOT NULL,
	`run_id` integer,
	`lines` integer NOT NULL,
	`rejected` integer NOT NULL,
	`applied_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `source`, `start`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `days` (
	`site_id` integer NOT NULL,
	`date` text NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`pages` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	`visitors` integer DEFAULT 0 NOT NULL,
	`robot_hits` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `date`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `guard` (
	`ok` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `host_names` (
	`site_id` integer NOT NULL,
	`address` text NOT NULL,
	`name` text,
	`resolved_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `address`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `hours` (
	`site_id` integer NOT NULL,
	`month` text NOT NULL,
	`hour` integer NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`pages` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`robot_hits` integer DEFAULT 0 NOT NULL,
	`visitors` integer DEFAULT 0 NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `month`, `hour`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `months` (
	`site_id` integer NOT NULL,
	`month` text NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`pages` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	`visitors` integer DEFAULT 0 NOT NULL,
	`robot_hits` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`analysis_ms` real DEFAULT 0 NOT NULL,
	`last_run_id` integer,
	PRIMARY KEY(`site_id`, `month`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `panel_rows` (
	`site_id` integer NOT NULL,
	`month` text NOT NULL,
	`panel` text NOT NULL,
	`key` text NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`pages` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`max` integer DEFAULT 0 NOT NULL,
	`changed_run` integer,
	`hits_before` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `month`, `panel`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `rejected_samples` (
	`run_id` integer NOT NULL,
	`source` text NOT NULL,
	`line` integer NOT NULL,
	`reason` text NOT NULL,
	`text` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rejected_samples_run` ON `rejected_samples` (`run_id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`chunks` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`analysis_ms` real DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_site` ON `runs` (`site_id`,`id`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`agent_token_hash` text NOT NULL,
	`read_token_hash` text NOT NULL,
	`public` integer DEFAULT 0 NOT NULL,
	`privacy` text DEFAULT 'truncate' NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sites_name_unique` ON `sites` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `sites_agent_token_hash_unique` ON `sites` (`agent_token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `sites_read_token_hash_unique` ON `sites` (`read_token_hash`);--> statement-breakpoint
CREATE TABLE `visitor_days` (
	`site_id` integer NOT NULL,
	`date` text NOT NULL,
	`visitor` text NOT NULL,
	`counters` text NOT NULL,
	`spans` text NOT NULL,
	PRIMARY KEY(`site_id`, `date`, `visitor`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `visitor_months` (
	`site_id` integer NOT NULL,
	`month` text NOT NULL,
	`visitor` text NOT NULL,
	`human_days` integer NOT NULL,
	PRIMARY KEY(`site_id`, `month`, `visitor`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `watched_hits` (
	`site_id` integer NOT NULL,
	`month` text NOT NULL,
	`at` text NOT NULL,
	`address` text NOT NULL,
	`agent` text NOT NULL,
	`method` text NOT NULL,
	`url` text NOT NULL,
	`status` integer NOT NULL,
	`bytes` integer NOT NULL,
	`referer` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `watched_hits_site_month` ON `watched_hits` (`site_id`,`month`,`at`);