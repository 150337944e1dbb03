CREATE TABLE `connectors` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`query_names` text NOT NULL,
	`header_names` text NOT NULL,
	`secrets` text,
	`oauth` text,
	`oauth_state_hash` text,
	`oauth_state_expires_at` integer,
	`status` text DEFAULT 'error' NOT NULL,
	`message` text,
	`tools` text NOT NULL,
	`last_refreshed_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connectors_user_name` ON `connectors` (`user_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `connectors_oauth_state` ON `connectors` (`oauth_state_hash`);--> statement-breakpoint
ALTER TABLE `orchestrators` ADD `connectors` text;