CREATE TABLE `indicator_data` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`code` text NOT NULL,
	`inputs_json` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `indicator_data_code_uq` ON `indicator_data` (`engagement_id`,`code`);