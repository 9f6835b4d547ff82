CREATE TABLE `report_files` (
	`version_id` text NOT NULL,
	`format` text NOT NULL,
	`bytes` blob NOT NULL,
	PRIMARY KEY(`version_id`, `format`),
	FOREIGN KEY (`version_id`) REFERENCES `report_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `report_narratives` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`type` text NOT NULL,
	`sections_json` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_narratives_uq` ON `report_narratives` (`engagement_id`,`type`);--> statement-breakpoint
CREATE TABLE `report_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`type` text NOT NULL,
	`version_no` integer NOT NULL,
	`stage` text NOT NULL,
	`title` text NOT NULL,
	`model_json` text NOT NULL,
	`docx_sha256` text NOT NULL,
	`pdf_sha256` text NOT NULL,
	`docx_size` integer NOT NULL,
	`pdf_size` integer NOT NULL,
	`generated_by` text NOT NULL,
	`generated_at` text NOT NULL,
	`verification_code` text,
	`issued_at` text,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`generated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_versions_verification_code_unique` ON `report_versions` (`verification_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `report_versions_uq` ON `report_versions` (`engagement_id`,`type`,`version_no`);--> statement-breakpoint
-- A generated report version is a record of what was sent: it never changes and is never removed.
-- Issuing renders a new version with the verification code printed on it.
CREATE TRIGGER report_versions_no_update BEFORE UPDATE ON report_versions BEGIN SELECT RAISE(ABORT, 'a report version is final'); END;
--> statement-breakpoint
CREATE TRIGGER report_versions_no_delete BEFORE DELETE ON report_versions BEGIN SELECT RAISE(ABORT, 'a report version is final'); END;
--> statement-breakpoint
CREATE TRIGGER report_files_no_update BEFORE UPDATE ON report_files BEGIN SELECT RAISE(ABORT, 'a report file is final'); END;
--> statement-breakpoint
CREATE TRIGGER report_files_no_delete BEFORE DELETE ON report_files BEGIN SELECT RAISE(ABORT, 'a report file is final'); END;
