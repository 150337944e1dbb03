CREATE TABLE `agent_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`instructions` text NOT NULL,
	`model` text,
	`tools` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agent_templates_user_name` ON `agent_templates` (`user_id`,`name`);--> statement-breakpoint
ALTER TABLE `messages` ADD `web_search_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `web_fetch_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `code_execution_seconds` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orchestrators` ADD `tool_policy` text;--> statement-breakpoint
ALTER TABLE `orchestrators` ADD `thinking` text;--> statement-breakpoint
ALTER TABLE `orchestrators` ADD `approval_timeout_sec` integer DEFAULT 86400 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_ledger` ADD `web_search_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_ledger` ADD `web_fetch_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_ledger` ADD `code_execution_seconds` real DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The ledger row of a billed message now carries its server-tool requests too.
DROP TRIGGER `messages_bill`;
--> statement-breakpoint
CREATE TRIGGER `messages_bill` AFTER INSERT ON `messages` WHEN NEW.role = 'assistant'
BEGIN
  INSERT INTO `usage_ledger` (id, user_id, orchestrator_id, agent_id, model, day, created_at,
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd,
    web_search_requests, web_fetch_requests, code_execution_seconds)
  VALUES (NEW.id, NEW.user_id, NEW.orchestrator_id, NEW.agent_id, COALESCE(NEW.model, 'unknown'),
    strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.created_at,
    NEW.input_tokens, NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.cost_usd,
    NEW.web_search_requests, NEW.web_fetch_requests, NEW.code_execution_seconds)
  ON CONFLICT (id) DO NOTHING;
END;
