CREATE TABLE `consolidation_results` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`rule` text NOT NULL,
	`bands_json` text NOT NULL,
	`entries_json` text NOT NULL,
	`result_json` text NOT NULL,
	`total` integer NOT NULL,
	`grade` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `scoring_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consolidation_results_round_id_unique` ON `consolidation_results` (`round_id`);--> statement-breakpoint
CREATE TABLE `rescore_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`seat_id` text NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`status` text NOT NULL,
	`response` text DEFAULT '' NOT NULL,
	`response_version_no` integer,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`responded_at` text,
	FOREIGN KEY (`round_id`) REFERENCES `scoring_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`seat_id`) REFERENCES `seats`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rescore_requests_round_idx` ON `rescore_requests` (`round_id`,`seat_id`);--> statement-breakpoint
ALTER TABLE `scoring_rounds` ADD `divergence_percent` integer DEFAULT 25 NOT NULL;--> statement-breakpoint
ALTER TABLE `scoring_rounds` ADD `bands_json` text;--> statement-breakpoint
-- The stored consolidation is what the report cites: it is written once and never changes.
CREATE TRIGGER consolidation_results_no_update BEFORE UPDATE ON consolidation_results BEGIN SELECT RAISE(ABORT, 'a stored consolidation is final'); END;
--> statement-breakpoint
CREATE TRIGGER consolidation_results_no_delete BEFORE DELETE ON consolidation_results BEGIN SELECT RAISE(ABORT, 'a stored consolidation is final'); END;
