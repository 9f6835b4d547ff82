CREATE TABLE `score_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`seat_id` text NOT NULL,
	`code` text NOT NULL,
	`version_no` integer NOT NULL,
	`score` integer NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`rescore_reason` text DEFAULT '' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `scoring_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`seat_id`) REFERENCES `seats`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `score_entries_version_uq` ON `score_entries` (`seat_id`,`code`,`version_no`);--> statement-breakpoint
CREATE INDEX `score_entries_round_idx` ON `score_entries` (`round_id`);--> statement-breakpoint
CREATE TABLE `score_submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`seat_id` text NOT NULL,
	`submitted_at` text NOT NULL,
	`late` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `scoring_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`seat_id`) REFERENCES `seats`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `score_submissions_seat_idx` ON `score_submissions` (`round_id`,`seat_id`,`submitted_at`);--> statement-breakpoint
CREATE TABLE `scoring_rounds` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`sheet_version_id` text NOT NULL,
	`phase` text NOT NULL,
	`step_hundredths` integer DEFAULT 50 NOT NULL,
	`soft_deadline` text,
	`hard_deadline` text,
	`aggregation_rule` text NOT NULL,
	`opened_by` text NOT NULL,
	`opened_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sheet_version_id`) REFERENCES `sheet_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scoring_rounds_engagement_id_unique` ON `scoring_rounds` (`engagement_id`);--> statement-breakpoint
-- A saved score is evidence of what the expert said when: changes are new versions, never edits.
CREATE TRIGGER score_entries_no_update BEFORE UPDATE ON score_entries BEGIN SELECT RAISE(ABORT, 'score entries are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER score_entries_no_delete BEFORE DELETE ON score_entries BEGIN SELECT RAISE(ABORT, 'score entries are append-only'); END;
