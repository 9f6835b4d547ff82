CREATE TABLE `framework_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`framework_id` text NOT NULL,
	`version_no` integer NOT NULL,
	`status` text NOT NULL,
	`tree_json` text NOT NULL,
	`change_note` text DEFAULT '' NOT NULL,
	`based_on_version_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`published_at` text,
	`published_by` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`framework_id`) REFERENCES `frameworks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `framework_versions_no_uq` ON `framework_versions` (`framework_id`,`version_no`);--> statement-breakpoint
CREATE TABLE `frameworks` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text,
	`library_code` text,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`copied_from_version_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `frameworks_library_code_uq` ON `frameworks` (`library_code`);--> statement-breakpoint
CREATE INDEX `frameworks_org_idx` ON `frameworks` (`organization_id`,`category`);--> statement-breakpoint
CREATE TABLE `sheet_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`version_no` integer NOT NULL,
	`status` text NOT NULL,
	`tree_json` text NOT NULL,
	`framework_version_id` text,
	`reason` text DEFAULT '' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`frozen_at` text,
	`frozen_by` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`framework_version_id`) REFERENCES `framework_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`frozen_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sheet_versions_no_uq` ON `sheet_versions` (`engagement_id`,`version_no`);--> statement-breakpoint
-- A published framework version and a frozen scoring sheet are evidence: never changed, never deleted.
CREATE TRIGGER framework_versions_published_no_update BEFORE UPDATE ON framework_versions
WHEN OLD.status = 'published'
BEGIN
  SELECT RAISE(ABORT, 'a published framework version is frozen');
END;
--> statement-breakpoint
CREATE TRIGGER framework_versions_published_no_delete BEFORE DELETE ON framework_versions
WHEN OLD.status = 'published'
BEGIN
  SELECT RAISE(ABORT, 'a published framework version is frozen');
END;
--> statement-breakpoint
CREATE TRIGGER sheet_versions_frozen_no_update BEFORE UPDATE ON sheet_versions
WHEN OLD.status = 'frozen'
BEGIN
  SELECT RAISE(ABORT, 'a frozen scoring sheet version is frozen');
END;
--> statement-breakpoint
CREATE TRIGGER sheet_versions_frozen_no_delete BEFORE DELETE ON sheet_versions
WHEN OLD.status = 'frozen'
BEGIN
  SELECT RAISE(ABORT, 'a frozen scoring sheet version is frozen');
END;
