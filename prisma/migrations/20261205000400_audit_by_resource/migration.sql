-- The audit step and completeRun look up a run's outcome row by the run's id and the action
-- (src/activities/auditRun.ts): an index, so the lookup does not scan the whole audit log.
CREATE INDEX "audit_logs_resource_id_action_idx" ON "audit_logs" ("resource_id", "action");
