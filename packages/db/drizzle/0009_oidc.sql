CREATE TABLE `oidc_clients` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`redirect_uris` text NOT NULL,
	`post_logout_redirect_uris` text NOT NULL,
	`kind` text NOT NULL,
	`secret_hash` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE TABLE `oidc_models` (
	`model` text NOT NULL,
	`id` text NOT NULL,
	`payload` text NOT NULL,
	`grant_id` text,
	`uid` text,
	`user_code` text,
	`expires_at` integer,
	`consumed_at` integer,
	PRIMARY KEY(`model`, `id`)
);
--> statement-breakpoint
CREATE INDEX `oidc_models_grant` ON `oidc_models` (`grant_id`);--> statement-breakpoint
CREATE INDEX `oidc_models_uid` ON `oidc_models` (`uid`);--> statement-breakpoint
CREATE INDEX `oidc_models_user_code` ON `oidc_models` (`user_code`);--> statement-breakpoint
CREATE INDEX `oidc_models_expires` ON `oidc_models` (`expires_at`);