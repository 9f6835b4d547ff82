CREATE INDEX `audit_log_platform_seq_idx` ON `audit_log` (`seq`) WHERE organization_id IS NULL OR actor_role IN ('system_admin', 'cli', 'system');--> statement-breakpoint
CREATE INDEX `audit_log_platform_action_seq_idx` ON `audit_log` (`action`,`seq`) WHERE organization_id IS NULL OR actor_role IN ('system_admin', 'cli', 'system');--> statement-breakpoint
-- As in 0020: an analyzed database must learn the new indexes' statistics, or the planner misjudges them.
ANALYZE `audit_log`;
