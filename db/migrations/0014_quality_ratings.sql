CREATE TABLE `quality_rating_configs` (
	`id` text PRIMARY KEY NOT NULL,
	`finance_bureau_id` text NOT NULL,
	`version_no` integer NOT NULL,
	`items_json` text NOT NULL,
	`bands_json` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`finance_bureau_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quality_rating_configs_uq` ON `quality_rating_configs` (`finance_bureau_id`,`version_no`);--> statement-breakpoint
CREATE TABLE `quality_ratings` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`agency_id` text NOT NULL,
	`finance_bureau_id` text NOT NULL,
	`report_version_id` text NOT NULL,
	`config_id` text,
	`config_json` text NOT NULL,
	`scores_json` text NOT NULL,
	`total` integer NOT NULL,
	`grade` text,
	`veto` integer DEFAULT false NOT NULL,
	`veto_reason` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	`rated_by` text,
	`rated_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agency_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`finance_bureau_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`report_version_id`) REFERENCES `report_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`config_id`) REFERENCES `quality_rating_configs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quality_ratings_engagement_id_unique` ON `quality_ratings` (`engagement_id`);--> statement-breakpoint
CREATE INDEX `quality_ratings_agency_idx` ON `quality_ratings` (`agency_id`,`status`);--> statement-breakpoint
CREATE INDEX `quality_ratings_bureau_idx` ON `quality_ratings` (`finance_bureau_id`,`status`);--> statement-breakpoint
-- A rating names the form version it used: a version of the form never changes and is never removed.
CREATE TRIGGER quality_rating_configs_no_update BEFORE UPDATE ON quality_rating_configs BEGIN SELECT RAISE(ABORT, 'a quality rating form version is final'); END;
--> statement-breakpoint
CREATE TRIGGER quality_rating_configs_no_delete BEFORE DELETE ON quality_rating_configs BEGIN SELECT RAISE(ABORT, 'a quality rating form version is final'); END;
--> statement-breakpoint
-- A submitted rating is what the agency's credit file records: it never changes afterwards.
CREATE TRIGGER quality_ratings_submitted_no_update BEFORE UPDATE ON quality_ratings WHEN OLD.status = 'submitted' BEGIN SELECT RAISE(ABORT, 'a submitted quality rating is final'); END;
--> statement-breakpoint
CREATE TRIGGER quality_ratings_no_delete BEFORE DELETE ON quality_ratings BEGIN SELECT RAISE(ABORT, 'a quality rating is never removed'); END;
--> statement-breakpoint
-- A submitted rating has its grade and who rated it when.
CREATE TRIGGER quality_ratings_submitted_complete_insert BEFORE INSERT ON quality_ratings WHEN NEW.status = 'submitted' AND (NEW.grade IS NULL OR NEW.rated_by IS NULL OR NEW.rated_at IS NULL) BEGIN SELECT RAISE(ABORT, 'a submitted quality rating needs its grade, rater and time'); END;
--> statement-breakpoint
CREATE TRIGGER quality_ratings_submitted_complete_update BEFORE UPDATE ON quality_ratings WHEN NEW.status = 'submitted' AND (NEW.grade IS NULL OR NEW.rated_by IS NULL OR NEW.rated_at IS NULL) BEGIN SELECT RAISE(ABORT, 'a submitted quality rating needs its grade, rater and time'); END;
