CREATE TABLE `survey_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`survey_id` text NOT NULL,
	`file_id` text NOT NULL,
	`status` text DEFAULT 'uploaded' NOT NULL,
	`mapping_json` text,
	`row_count` integer,
	`responses_json` text,
	`uploaded_by` text NOT NULL,
	`uploaded_at` text NOT NULL,
	`imported_by` text,
	`imported_at` text,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `stored_files`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`imported_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `survey_imports_survey_idx` ON `survey_imports` (`survey_id`,`uploaded_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `survey_imports_file_uq` ON `survey_imports` (`file_id`);--> statement-breakpoint
CREATE TABLE `surveys` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`title` text NOT NULL,
	`questionnaire_json` text NOT NULL,
	`population` integer,
	`indicator_code` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `surveys_engagement_idx` ON `surveys` (`engagement_id`,`created_at`);