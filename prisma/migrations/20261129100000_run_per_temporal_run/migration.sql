-- An operator's `temporal workflow reset` starts a new Temporal run under the same workflow id;
-- it is a new attempt, recorded as its own run row. So a run is keyed by (workflow id, Temporal
-- run id), and a workflow id may have several rows.
DROP INDEX "backup_schedule_runs_workflow_id_key";
CREATE INDEX "backup_schedule_runs_workflow_id_idx" ON "backup_schedule_runs"("workflow_id");
CREATE UNIQUE INDEX "backup_schedule_runs_workflow_id_temporal_run_id_key" ON "backup_schedule_runs"("workflow_id", "temporal_run_id");
