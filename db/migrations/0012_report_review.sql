CREATE TABLE `report_submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`version_id` text NOT NULL,
	`round_no` integer NOT NULL,
	`status` text NOT NULL,
	`submitted_by` text NOT NULL,
	`submitted_at` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`decision_note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `report_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_submissions_round_uq` ON `report_submissions` (`engagement_id`,`round_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `report_submissions_version_uq` ON `report_submissions` (`version_id`);--> statement-breakpoint
CREATE INDEX `report_submissions_status_idx` ON `report_submissions` (`status`,`submitted_at`);--> statement-breakpoint
CREATE TABLE `review_comments` (
	`id` text PRIMARY KEY NOT NULL,
	`submission_id` text NOT NULL,
	`anchor_kind` text NOT NULL,
	`anchor` text NOT NULL,
	`anchor_label` text NOT NULL,
	`body` text NOT NULL,
	`author_id` text NOT NULL,
	`created_at` text NOT NULL,
	`published_at` text,
	`answer` text,
	`answered_by` text,
	`answered_at` text,
	FOREIGN KEY (`submission_id`) REFERENCES `report_submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_comments_submission_idx` ON `review_comments` (`submission_id`,`created_at`);--> statement-breakpoint
-- The service checks it too; the index makes two racing submissions of one engagement impossible.
CREATE UNIQUE INDEX `report_submissions_one_pending` ON `report_submissions` (`engagement_id`) WHERE `status` = 'pending';
