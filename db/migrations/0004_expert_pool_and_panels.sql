CREATE TABLE `conflicts` (
	`id` text PRIMARY KEY NOT NULL,
	`expert_id` text NOT NULL,
	`engagement_id` text,
	`evaluated_unit_id` text,
	`type` text NOT NULL,
	`source` text NOT NULL,
	`pinned` integer DEFAULT false NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_by` text,
	`created_at` text NOT NULL,
	`removed_at` text,
	`removed_by` text,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evaluated_unit_id`) REFERENCES `evaluated_units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`removed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conflicts_expert_idx` ON `conflicts` (`expert_id`);--> statement-breakpoint
CREATE INDEX `conflicts_engagement_idx` ON `conflicts` (`engagement_id`);--> statement-breakpoint
CREATE INDEX `conflicts_unit_idx` ON `conflicts` (`evaluated_unit_id`);--> statement-breakpoint
CREATE TABLE `declarations` (
	`id` text PRIMARY KEY NOT NULL,
	`seat_id` text NOT NULL,
	`expert_id` text NOT NULL,
	`engagement_id` text NOT NULL,
	`text_version` text NOT NULL,
	`text_hash` text NOT NULL,
	`facts_hash` text NOT NULL,
	`signed_at` text NOT NULL,
	`ip` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`seat_id`) REFERENCES `seats`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `declarations_seat_idx` ON `declarations` (`seat_id`,`signed_at`);--> statement-breakpoint
CREATE TABLE `draw_events` (
	`id` text PRIMARY KEY NOT NULL,
	`draw_id` text NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`expert_id` text,
	`reason` text DEFAULT '' NOT NULL,
	`actor_user_id` text,
	`at` text NOT NULL,
	FOREIGN KEY (`draw_id`) REFERENCES `draws`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `draw_events_seq_uq` ON `draw_events` (`draw_id`,`seq`);--> statement-breakpoint
CREATE TABLE `draws` (
	`id` text PRIMARY KEY NOT NULL,
	`panel_id` text NOT NULL,
	`seed_hex` text NOT NULL,
	`algorithm` text NOT NULL,
	`pool_hash` text NOT NULL,
	`record_json` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`panel_id`) REFERENCES `panels`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `draws_panel_idx` ON `draws` (`panel_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `expert_employments` (
	`id` text PRIMARY KEY NOT NULL,
	`expert_id` text NOT NULL,
	`organization` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `expert_employments_expert_idx` ON `expert_employments` (`expert_id`);--> statement-breakpoint
CREATE TABLE `expert_invites` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`expert_id` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `expert_invites_expert_idx` ON `expert_invites` (`expert_id`);--> statement-breakpoint
CREATE TABLE `expert_relations` (
	`id` text PRIMARY KEY NOT NULL,
	`expert_id` text NOT NULL,
	`kind` text NOT NULL,
	`organization` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `expert_relations_expert_idx` ON `expert_relations` (`expert_id`);--> statement-breakpoint
CREATE TABLE `expert_specialties` (
	`expert_id` text NOT NULL,
	`specialty_code` text NOT NULL,
	PRIMARY KEY(`expert_id`, `specialty_code`),
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`specialty_code`) REFERENCES `specialties`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `expert_specialties_code_idx` ON `expert_specialties` (`specialty_code`);--> statement-breakpoint
CREATE TABLE `expert_unavailability` (
	`id` text PRIMARY KEY NOT NULL,
	`expert_id` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `expert_unavailability_expert_idx` ON `expert_unavailability` (`expert_id`);--> statement-breakpoint
CREATE TABLE `experts` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`name` text NOT NULL,
	`employer` text DEFAULT '' NOT NULL,
	`title` text NOT NULL,
	`region` text DEFAULT '' NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`credit_score` integer,
	`blacklisted_until` text,
	`note` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experts_user_uq` ON `experts` (`user_id`);--> statement-breakpoint
CREATE INDEX `experts_status_idx` ON `experts` (`status`);--> statement-breakpoint
CREATE INDEX `experts_name_idx` ON `experts` (`name`);--> statement-breakpoint
CREATE TABLE `fee_rates` (
	`finance_bureau_id` text NOT NULL,
	`title` text NOT NULL,
	`day_rate_fen` integer NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`finance_bureau_id`, `title`),
	FOREIGN KEY (`finance_bureau_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `panels` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`size` integer NOT NULL,
	`reserve_count` integer NOT NULL,
	`quotas_json` text NOT NULL,
	`review_date` text NOT NULL,
	`review_days_hundredths` integer DEFAULT 100 NOT NULL,
	`max_draws_per_year` integer NOT NULL,
	`credit_threshold` integer,
	`lookback_years` integer NOT NULL,
	`reply_hours` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `panels_engagement_id_unique` ON `panels` (`engagement_id`);--> statement-breakpoint
CREATE TABLE `seats` (
	`id` text PRIMARY KEY NOT NULL,
	`panel_id` text NOT NULL,
	`draw_id` text,
	`expert_id` text NOT NULL,
	`kind` text NOT NULL,
	`specialty_code` text,
	`position` integer NOT NULL,
	`is_leader` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`manual_reason` text DEFAULT '' NOT NULL,
	`invited_at` text,
	`reply_by` text,
	`responded_at` text,
	`decline_reason` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`panel_id`) REFERENCES `panels`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`draw_id`) REFERENCES `draws`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`expert_id`) REFERENCES `experts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `seats_panel_idx` ON `seats` (`panel_id`,`position`);--> statement-breakpoint
CREATE INDEX `seats_expert_idx` ON `seats` (`expert_id`,`status`);--> statement-breakpoint
CREATE TABLE `specialties` (
	`code` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
-- A draw record, its events and signed declarations are evidence: they are appended, never rewritten.
CREATE TRIGGER draws_no_update BEFORE UPDATE ON draws BEGIN SELECT RAISE(ABORT, 'draws are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER draws_no_delete BEFORE DELETE ON draws BEGIN SELECT RAISE(ABORT, 'draws are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER draw_events_no_update BEFORE UPDATE ON draw_events BEGIN SELECT RAISE(ABORT, 'draw events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER draw_events_no_delete BEFORE DELETE ON draw_events BEGIN SELECT RAISE(ABORT, 'draw events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER declarations_no_update BEFORE UPDATE ON declarations BEGIN SELECT RAISE(ABORT, 'declarations are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER declarations_no_delete BEFORE DELETE ON declarations BEGIN SELECT RAISE(ABORT, 'declarations are append-only'); END;
