-- Missed fire times (backup.run.missed, issue 16): what the reconciler last saw of each
-- Temporal Schedule. Fire times up to missed_checked_through are judged. The two counters are
-- Temporal's cumulative numActionsMissedCatchupWindow and numActionsSkippedOverlap as last seen.
-- Rows from before this migration get null counters (their first describe only records them,
-- so a history of old misses does not page anyone on upgrade), new rows start at 0 like
-- their new Temporal Schedule.

ALTER TABLE "backup_schedules"
    ADD COLUMN "missed_checked_through" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN "missed_catchup_seen" INTEGER,
    ADD COLUMN "skipped_overlap_seen" INTEGER;

ALTER TABLE "backup_schedules"
    ALTER COLUMN "missed_catchup_seen" SET DEFAULT 0,
    ALTER COLUMN "skipped_overlap_seen" SET DEFAULT 0;
