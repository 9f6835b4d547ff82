CREATE TABLE `monitoring_indicators` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`unit` text DEFAULT '' NOT NULL,
	`direction` text NOT NULL,
	`measure` text NOT NULL,
	`annual_target` text NOT NULL,
	`ytd_actual` text NOT NULL,
	`expected_full_year` text NOT NULL,
	`cause` text,
	`cause_note` text DEFAULT '' NOT NULL,
	`likelihood` text NOT NULL,
	`remark` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `monitoring_sheets`(`engagement_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `monitoring_indicators_position_uq` ON `monitoring_indicators` (`engagement_id`,`position`);--> statement-breakpoint
CREATE TABLE `monitoring_sheets` (
	`engagement_id` text PRIMARY KEY NOT NULL,
	`budget_fen` integer,
	`spent_fen` integer,
	`as_of` text,
	`basis` text DEFAULT 'month' NOT NULL,
	`budget_yellow` integer DEFAULT 1000 NOT NULL,
	`budget_red` integer DEFAULT 2000 NOT NULL,
	`indicator_yellow` integer DEFAULT 1000 NOT NULL,
	`indicator_red` integer DEFAULT 2000 NOT NULL,
	`suggestions` text DEFAULT '' NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
