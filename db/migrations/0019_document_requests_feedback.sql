CREATE TABLE `document_request_events` (
	`id` text PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`kind` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`actor_user_id` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `document_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `document_request_events_request_idx` ON `document_request_events` (`request_id`,`at`);--> statement-breakpoint
CREATE TABLE `document_request_files` (
	`id` text PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`event_id` text NOT NULL,
	`version_no` integer NOT NULL,
	`file_id` text NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `document_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `document_request_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `stored_files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `document_request_files_no_uq` ON `document_request_files` (`request_id`,`version_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `document_request_files_file_uq` ON `document_request_files` (`file_id`);--> statement-breakpoint
CREATE TABLE `document_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`evaluated_unit_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`due_date` text NOT NULL,
	`status` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evaluated_unit_id`) REFERENCES `evaluated_units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `document_requests_engagement_idx` ON `document_requests` (`engagement_id`,`due_date`);--> statement-breakpoint
CREATE INDEX `document_requests_unit_idx` ON `document_requests` (`evaluated_unit_id`,`status`);--> statement-breakpoint
CREATE TABLE `feedback_points` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`evaluated_unit_id` text NOT NULL,
	`anchor_kind` text NOT NULL,
	`anchor` text NOT NULL,
	`anchor_label` text NOT NULL,
	`comment` text NOT NULL,
	`author_id` text NOT NULL,
	`created_at` text NOT NULL,
	`adoption` text,
	`response` text DEFAULT '' NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `feedback_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evaluated_unit_id`) REFERENCES `evaluated_units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_points_round_idx` ON `feedback_points` (`round_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `feedback_rounds` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`report_version_id` text NOT NULL,
	`deadline` text NOT NULL,
	`sent_by` text NOT NULL,
	`sent_at` text NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`report_version_id`) REFERENCES `report_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sent_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_rounds_engagement_idx` ON `feedback_rounds` (`engagement_id`,`sent_at`);--> statement-breakpoint
CREATE TRIGGER document_request_events_no_update BEFORE UPDATE ON document_request_events BEGIN SELECT RAISE(ABORT, 'document request history is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER document_request_events_no_delete BEFORE DELETE ON document_request_events BEGIN SELECT RAISE(ABORT, 'document request history is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER document_request_files_no_update BEFORE UPDATE ON document_request_files BEGIN SELECT RAISE(ABORT, 'document request files are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER document_request_files_no_delete BEFORE DELETE ON document_request_files BEGIN SELECT RAISE(ABORT, 'document request files are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER feedback_rounds_no_update BEFORE UPDATE ON feedback_rounds BEGIN SELECT RAISE(ABORT, 'a feedback round is final'); END;
--> statement-breakpoint
CREATE TRIGGER feedback_rounds_no_delete BEFORE DELETE ON feedback_rounds BEGIN SELECT RAISE(ABORT, 'a feedback round is final'); END;
--> statement-breakpoint
CREATE TRIGGER feedback_points_no_delete BEFORE DELETE ON feedback_points BEGIN SELECT RAISE(ABORT, 'feedback points are kept'); END;
