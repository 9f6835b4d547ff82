CREATE TABLE `budget_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`report_version_id` text NOT NULL,
	`grade` text NOT NULL,
	`decision` text NOT NULL,
	`cut_percent` integer,
	`note` text DEFAULT '' NOT NULL,
	`decided_by` text NOT NULL,
	`decided_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`report_version_id`) REFERENCES `report_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budget_decisions_engagement_id_unique` ON `budget_decisions` (`engagement_id`);