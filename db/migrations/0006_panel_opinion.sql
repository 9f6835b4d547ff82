CREATE TABLE `panel_opinions` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`overall` text NOT NULL,
	`by_level1_json` text NOT NULL,
	`status` text NOT NULL,
	`written_by` text NOT NULL,
	`confirmed_by` text,
	`confirmed_at` text,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `scoring_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`written_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`confirmed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `panel_opinions_round_id_unique` ON `panel_opinions` (`round_id`);--> statement-breakpoint
-- A confirmed panel opinion is the panel's signed word: it no longer changes.
CREATE TRIGGER panel_opinions_confirmed_no_update BEFORE UPDATE ON panel_opinions WHEN OLD.status = 'confirmed' BEGIN SELECT RAISE(ABORT, 'a confirmed panel opinion is final'); END;
