CREATE TABLE `engagement_retention` (
	`engagement_id` text PRIMARY KEY NOT NULL,
	`retain_until` text NOT NULL,
	`set_by` text NOT NULL,
	`set_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`set_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `working_paper_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`paper_id` text NOT NULL,
	`version_no` integer NOT NULL,
	`file_id` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`uploaded_by` text NOT NULL,
	`uploaded_at` text NOT NULL,
	FOREIGN KEY (`paper_id`) REFERENCES `working_papers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `stored_files`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `working_paper_versions_no_uq` ON `working_paper_versions` (`paper_id`,`version_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `working_paper_versions_file_uq` ON `working_paper_versions` (`file_id`);--> statement-breakpoint
CREATE TABLE `working_papers` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`indicator_code` text,
	`title` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`deleted_at` text,
	`deleted_by` text,
	`delete_reason` text,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deleted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `working_papers_engagement_idx` ON `working_papers` (`engagement_id`,`indicator_code`);
--> statement-breakpoint
CREATE TRIGGER working_paper_versions_no_update BEFORE UPDATE ON working_paper_versions BEGIN SELECT RAISE(ABORT, 'a working paper version is final'); END;
--> statement-breakpoint
CREATE TRIGGER working_paper_versions_no_delete BEFORE DELETE ON working_paper_versions BEGIN SELECT RAISE(ABORT, 'a working paper version is final'); END;
--> statement-breakpoint
CREATE TRIGGER working_papers_no_delete BEFORE DELETE ON working_papers BEGIN SELECT RAISE(ABORT, 'a working paper is only marked deleted'); END;
