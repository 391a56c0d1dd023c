-- A per-site secret keys the hashes that replace client addresses (privacy "truncate" and "hash").
-- SQLite cannot ADD COLUMN with a random default: existing rows get one here, new rows by trigger.
ALTER TABLE `sites` ADD `secret` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `sites` SET `secret` = lower(hex(randomblob(16))) WHERE `secret` = '';--> statement-breakpoint
CREATE TRIGGER `sites_secret` AFTER INSERT ON `sites` WHEN NEW.`secret` = ''
BEGIN UPDATE `sites` SET `secret` = lower(hex(randomblob(16))) WHERE `id` = NEW.`id`; END;--> statement-breakpoint
-- The yearly summary, derived from the months; a year's unique visitors are distinct over its months.
CREATE VIEW `years` AS
SELECT m.site_id AS site_id, substr(m.month, 1, 4) AS year,
  sum(m.hits) AS hits, sum(m.pages) AS pages, sum(m.bytes) AS bytes, sum(m.visits) AS visits,
  (SELECT count(DISTINCT vm.visitor) FROM visitor_months AS vm
    WHERE vm.site_id = m.site_id AND substr(vm.month, 1, 4) = substr(m.month, 1, 4) AND vm.human_days > 0) AS visitors,
  sum(m.robot_hits) AS robot_hits, sum(m.rejected) AS rejected, count(*) AS months
FROM months AS m GROUP BY m.site_id, substr(m.month, 1, 4);
