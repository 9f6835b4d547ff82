CREATE TABLE `credit_appeals` (
	`id` text PRIMARY KEY NOT NULL,
	`entry_id` text NOT NULL,
	`filed_by` text NOT NULL,
	`reason` text NOT NULL,
	`filed_at` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`decision_reason` text DEFAULT '' NOT NULL,
	`amended_severity` text,
	`amended_points` integer,
	`amended_expires_on` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `credit_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`filed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_appeals_entry_id_unique` ON `credit_appeals` (`entry_id`);--> statement-breakpoint
CREATE INDEX `credit_appeals_status_idx` ON `credit_appeals` (`status`,`filed_at`);--> statement-breakpoint
CREATE TABLE `credit_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`kind` text NOT NULL,
	`severity` text,
	`points` integer,
	`effective_on` text NOT NULL,
	`expires_on` text,
	`description` text NOT NULL,
	`source` text NOT NULL,
	`source_ref` text,
	`issuer_org_id` text NOT NULL,
	`issued_by` text,
	`bureau_id` text,
	`engagement_id` text,
	`status` text DEFAULT 'active' NOT NULL,
	`amended_severity` text,
	`amended_points` integer,
	`amended_expires_on` text,
	`recorded_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`issuer_org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`bureau_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `credit_entries_subject_idx` ON `credit_entries` (`subject_type`,`subject_id`,`effective_on`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_entries_source_uq` ON `credit_entries` (`source`,`source_ref`);--> statement-breakpoint
CREATE INDEX `credit_entries_issuer_idx` ON `credit_entries` (`issuer_org_id`,`recorded_at`);--> statement-breakpoint
CREATE TABLE `credit_files` (
	`id` text PRIMARY KEY NOT NULL,
	`entry_id` text NOT NULL,
	`appeal_id` text,
	`file_id` text NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `credit_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`appeal_id`) REFERENCES `credit_appeals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `stored_files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `credit_files_entry_idx` ON `credit_files` (`entry_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_files_file_uq` ON `credit_files` (`file_id`);--> statement-breakpoint
CREATE TABLE `credit_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`finance_bureau_id` text NOT NULL,
	`version_no` integer NOT NULL,
	`policy_json` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`finance_bureau_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_policies_uq` ON `credit_policies` (`finance_bureau_id`,`version_no`);--> statement-breakpoint
CREATE TABLE `credit_snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`policy_id` text NOT NULL,
	`policy_version` integer NOT NULL,
	`on_date` text NOT NULL,
	`as_of` text NOT NULL,
	`score` integer NOT NULL,
	`grade` text NOT NULL,
	`blacklisted_from` text,
	`blacklisted_to` text,
	`cause` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `credit_snapshots_subject_idx` ON `credit_snapshots` (`subject_type`,`subject_id`,`as_of`);--> statement-breakpoint
CREATE TABLE `expert_ratings` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`expert_id` text NOT NULL,
	`aspects_json` text NOT NULL,
	`overall` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`rated_by` text NOT NULL,
	`rated_at` text NOT NULL,
	`credit_entry_id` text,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_entry_id`) REFERENCES `credit_entries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `expert_ratings_uq` ON `expert_ratings` (`engagement_id`,`expert_id`);--> statement-breakpoint
ALTER TABLE `engagements` ADD `commission_credit_flag_json` text;--> statement-breakpoint
-- A policy version, once in force, is what grades were computed under: it never changes.
CREATE TRIGGER credit_policies_no_update BEFORE UPDATE ON credit_policies BEGIN SELECT RAISE(ABORT, 'a credit policy version is final'); END;
--> statement-breakpoint
CREATE TRIGGER credit_policies_no_delete BEFORE DELETE ON credit_policies BEGIN SELECT RAISE(ABORT, 'a credit policy version is final'); END;
--> statement-breakpoint
-- A credit file keeps its history: an entry is revoked, never removed.
CREATE TRIGGER credit_entries_no_delete BEFORE DELETE ON credit_entries BEGIN SELECT RAISE(ABORT, 'a credit entry is never removed'); END;
--> statement-breakpoint
CREATE TRIGGER credit_appeals_decided_no_update BEFORE UPDATE ON credit_appeals WHEN OLD.status <> 'pending' BEGIN SELECT RAISE(ABORT, 'a decided appeal is final'); END;
--> statement-breakpoint
CREATE TRIGGER credit_appeals_no_delete BEFORE DELETE ON credit_appeals BEGIN SELECT RAISE(ABORT, 'an appeal is never removed'); END;
--> statement-breakpoint
CREATE TRIGGER credit_snapshots_no_update BEFORE UPDATE ON credit_snapshots BEGIN SELECT RAISE(ABORT, 'a credit snapshot is final'); END;
--> statement-breakpoint
CREATE TRIGGER credit_snapshots_no_delete BEFORE DELETE ON credit_snapshots BEGIN SELECT RAISE(ABORT, 'a credit snapshot is final'); END;
