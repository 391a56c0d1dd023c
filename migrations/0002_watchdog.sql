-- The watchdog: nodes and their heartbeats, each site's watch configuration and state machine row,
-- the audit of transitions, and the outboxes of DNS changes and notifications (worker/watchdog/).
-- Edited by hand after drizzle-kit generate: `nodes`, keyed by a composite primary key, is declared
-- WITHOUT ROWID (drizzle-kit does not emit it; see 0000_init.sql).
CREATE TABLE `dns_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`epoch` integer NOT NULL,
	`kind` text NOT NULL,
	`provider` text NOT NULL,
	`zone` text NOT NULL,
	`record` text NOT NULL,
	`type` text NOT NULL,
	`expected_old` text,
	`desired` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claimed_until` integer,
	`observed_before` text,
	`outcome` text,
	`response_status` integer,
	`response_body` text,
	`done_at` integer
);
--> statement-breakpoint
CREATE INDEX `dns_changes_site_status` ON `dns_changes` (`site_id`,`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `nodes` (
	`site_id` integer NOT NULL,
	`node` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`last_seen` integer,
	`v4` text,
	`v4_seen_at` integer,
	`v6` text,
	`v6_seen_at` integer,
	`version` text,
	`uptime` real,
	`load` real,
	`replicated_at` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `node`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `nodes_token_hash_unique` ON `nodes` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `nodes_site_role` ON `nodes` (`site_id`,`role`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`channel` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`priority` integer DEFAULT 3 NOT NULL,
	`claimed_at` integer,
	`sent_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `notifications_pending` ON `notifications` (`site_id`,`sent_at`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` integer NOT NULL,
	`at` integer NOT NULL,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`epoch` integer NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transitions_site` ON `transitions` (`site_id`,`id`);--> statement-breakpoint
CREATE TABLE `watch_config` (
	`site_id` integer PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`zone` text NOT NULL,
	`record` text NOT NULL,
	`type` text DEFAULT 'A' NOT NULL,
	`lease_seconds` integer DEFAULT 180 NOT NULL,
	`down_ticks` integer DEFAULT 3 NOT NULL,
	`up_ticks` integer DEFAULT 5 NOT NULL,
	`failback` text DEFAULT 'manual' NOT NULL,
	`stable_seconds` integer DEFAULT 900 NOT NULL,
	`max_switches` integer DEFAULT 2 NOT NULL,
	`switch_window_seconds` integer DEFAULT 21600 NOT NULL,
	`min_update_seconds` integer DEFAULT 300 NOT NULL,
	`replication_max_age_seconds` integer DEFAULT 86400 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `watchdog_state` (
	`site_id` integer PRIMARY KEY NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`state` text DEFAULT 'MASTER_ACTIVE' NOT NULL,
	`epoch` integer DEFAULT 1 NOT NULL,
	`active` text DEFAULT 'master' NOT NULL,
	`since` integer NOT NULL,
	`down_count` integer DEFAULT 0 NOT NULL,
	`up_count` integer DEFAULT 0 NOT NULL,
	`up_since` integer,
	`last_tick` integer,
	`hold_reason` text,
	`role_changes` text DEFAULT '[]' NOT NULL,
	`target` text,
	`last_update_at` integer,
	`record_content` text,
	`record_checked_at` integer,
	`replication_stale` integer DEFAULT 0 NOT NULL
);
