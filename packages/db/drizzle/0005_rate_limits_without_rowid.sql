-- Custom SQL migration (drizzle-kit's schema has no WITHOUT ROWID): every request reads or
-- upserts rate_limits by key. As a rowid table each such statement went through the key's own
-- index and then the table, and each new key was written to both; clustered on the key, the
-- table is its one b-tree. The window_start index for the purge stays as it was.
CREATE TABLE `__new_rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`window_start` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_rate_limits` (`key`, `count`, `window_start`) SELECT `key`, `count`, `window_start` FROM `rate_limits`;
--> statement-breakpoint
DROP TABLE `rate_limits`;
--> statement-breakpoint
ALTER TABLE `__new_rate_limits` RENAME TO `rate_limits`;
--> statement-breakpoint
CREATE INDEX `rate_limits_window_start` ON `rate_limits` (`window_start`);
