CREATE TABLE `rectification_evidence` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`update_id` text NOT NULL,
	`file_id` text NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `rectification_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`update_id`) REFERENCES `rectification_updates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `stored_files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rectification_evidence_item_idx` ON `rectification_evidence` (`item_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `rectification_evidence_file_uq` ON `rectification_evidence` (`file_id`);--> statement-breakpoint
CREATE TABLE `rectification_items` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`problem` text NOT NULL,
	`requirement` text NOT NULL,
	`evaluated_unit_id` text NOT NULL,
	`deadline` text NOT NULL,
	`status` text NOT NULL,
	`report_version_id` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`confirmed_by` text,
	`confirmed_at` text,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evaluated_unit_id`) REFERENCES `evaluated_units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`report_version_id`) REFERENCES `report_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`confirmed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rectification_items_engagement_idx` ON `rectification_items` (`engagement_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `rectification_items_unit_idx` ON `rectification_items` (`evaluated_unit_id`,`status`);--> statement-breakpoint
CREATE TABLE `rectification_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`kind` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`actor_user_id` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `rectification_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rectification_updates_item_idx` ON `rectification_updates` (`item_id`,`at`);--> statement-breakpoint
CREATE TABLE `stored_files` (
	`id` text PRIMARY KEY NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`original_name` text NOT NULL,
	`storage_name` text NOT NULL,
	`uploaded_by` text NOT NULL,
	`uploaded_at` text NOT NULL,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stored_files_storage_name_unique` ON `stored_files` (`storage_name`);--> statement-breakpoint
CREATE INDEX `stored_files_uploader_idx` ON `stored_files` (`uploaded_by`,`uploaded_at`);--> statement-breakpoint
-- A stored file is never replaced or removed (a new upload is a new file); an item's history and
-- its evidence are a record of what was reported and decided.
CREATE TRIGGER stored_files_no_update BEFORE UPDATE ON stored_files BEGIN SELECT RAISE(ABORT, 'a stored file is final'); END;
--> statement-breakpoint
CREATE TRIGGER stored_files_no_delete BEFORE DELETE ON stored_files BEGIN SELECT RAISE(ABORT, 'a stored file is final'); END;
--> statement-breakpoint
CREATE TRIGGER rectification_updates_no_update BEFORE UPDATE ON rectification_updates BEGIN SELECT RAISE(ABORT, 'rectification history is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER rectification_updates_no_delete BEFORE DELETE ON rectification_updates BEGIN SELECT RAISE(ABORT, 'rectification history is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER rectification_evidence_no_update BEFORE UPDATE ON rectification_evidence BEGIN SELECT RAISE(ABORT, 'rectification evidence is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER rectification_evidence_no_delete BEFORE DELETE ON rectification_evidence BEGIN SELECT RAISE(ABORT, 'rectification evidence is append-only'); END;
