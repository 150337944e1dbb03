CREATE TABLE `file_versions` (
	`orchestrator_id` text NOT NULL,
	`path` text NOT NULL,
	`version` integer NOT NULL,
	`size` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`op_id` text,
	`content` text NOT NULL,
	PRIMARY KEY(`orchestrator_id`, `path`, `version`),
	FOREIGN KEY (`orchestrator_id`) REFERENCES `orchestrators`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `file_versions_size` ON `file_versions` (`orchestrator_id`,`size`);