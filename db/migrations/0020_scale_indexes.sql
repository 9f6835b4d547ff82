CREATE INDEX `audit_log_org_action_seq_idx` ON `audit_log` (`organization_id`,`action`,`seq`);--> statement-breakpoint
CREATE INDEX `engagements_agency_bureau_idx` ON `engagements` (`agency_id`,`finance_bureau_id`);--> statement-breakpoint
CREATE INDEX `engagements_id_bureau_created_idx` ON `engagements` (`id`,`finance_bureau_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `panels_id_engagement_idx` ON `panels` (`id`,`engagement_id`);--> statement-breakpoint
CREATE INDEX `seats_status_created_idx` ON `seats` (`status`,`created_at`,`expert_id`);--> statement-breakpoint
CREATE INDEX `seats_expert_invited_idx` ON `seats` (`expert_id`,`invited_at`,`panel_id`);--> statement-breakpoint
-- A database analyzed before (the scale fixture, an operator's ANALYZE) would hold statistics for the
-- old indexes only, and the planner then prefers a new index it knows nothing about: the tenant audit
-- log sorted 30,000 rows through audit_log_org_action_seq_idx instead of reading audit_log_org_seq_idx
-- in order. Analyze the tables whose indexes changed (empty tables get no statistics, as before).
ANALYZE `audit_log`;--> statement-breakpoint
ANALYZE `engagements`;--> statement-breakpoint
ANALYZE `panels`;--> statement-breakpoint
ANALYZE `seats`;
