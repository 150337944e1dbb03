-- Bring your own key: a user's own Anthropic API key, sealed with BATON_SECRET_KEY (never stored in the clear).
ALTER TABLE `users` ADD `anthropic_key_sealed` text;--> statement-breakpoint
ALTER TABLE `users` ADD `anthropic_key_last4` text;--> statement-breakpoint
ALTER TABLE `users` ADD `anthropic_key_set_at` integer;