CREATE TABLE `account_reservations` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`usd` real NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `account_reservations_user` ON `account_reservations` (`user_id`,`expires_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `spent_usd` real DEFAULT 0 NOT NULL;--> statement-breakpoint
-- What each user was ever billed, kept beside their budget so the per-call check reads one row.
UPDATE `users` SET `spent_usd` = round((SELECT COALESCE(SUM(cost_usd), 0) FROM `usage_ledger` WHERE user_id = users.id), 6);
--> statement-breakpoint
CREATE TRIGGER `usage_ledger_user_spend` AFTER INSERT ON `usage_ledger`
BEGIN
  UPDATE `users` SET spent_usd = round(spent_usd + NEW.cost_usd, 6) WHERE id = NEW.user_id;
END;
