-- When the reconciler last compared the whole Temporal Schedule (spec, action, policies) with
-- the row. Each pass checks every schedule's spec and pause state from Temporal's list, and
-- describes only the rows checked longest ago, so a pass stays cheap with thousands of them.
ALTER TABLE "backup_schedules" ADD COLUMN "temporal_checked_at" TIMESTAMPTZ(3);
CREATE INDEX "backup_schedules_temporal_checked_at_idx" ON "backup_schedules"("temporal_checked_at");
