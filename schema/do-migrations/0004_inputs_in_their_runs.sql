-- A run records the input it took in as it arrived (a user message, a task) in its own row, and
-- the inbox keeps only what waits: one row fewer per run (worker/db/runs.ts). Inputs taken before
-- this stay in the inbox, where lookups still look first.
ALTER TABLE `runs` ADD `input` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `client_id` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `message_id` text;--> statement-breakpoint
CREATE INDEX `runs_client_id` ON `runs` (`client_id`);--> statement-breakpoint
CREATE INDEX `runs_message_id` ON `runs` (`message_id`);