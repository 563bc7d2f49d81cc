-- What the ids in a set's policies point to (groups, filters, scope tags, named locations,
-- notification templates, apps): resolved by the run's sync into its capture, copied into the
-- set by the snapshot (see RunCapturedReference and BackupSetReference in schema.prisma).

-- CreateTable
CREATE TABLE "run_captured_references" (
    "run_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "display_name" TEXT,
    "object_type" TEXT,
    "details" JSONB,
    "state" TEXT NOT NULL,

    CONSTRAINT "run_captured_references_pkey" PRIMARY KEY ("run_id","kind","object_id"),
    CONSTRAINT "run_captured_references_state_check" CHECK ("state" IN ('resolved', 'missing', 'unreadable'))
);

-- CreateTable
CREATE TABLE "backup_set_references" (
    "id" UUID NOT NULL,
    "backup_set_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "display_name" TEXT,
    "object_type" TEXT,
    "details" JSONB,
    "state" TEXT NOT NULL,

    CONSTRAINT "backup_set_references_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "backup_set_references_state_check" CHECK ("state" IN ('resolved', 'missing', 'unreadable'))
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_set_references_backup_set_id_kind_object_id_key" ON "backup_set_references"("backup_set_id", "kind", "object_id");

-- AddForeignKey
ALTER TABLE "backup_set_references" ADD CONSTRAINT "backup_set_references_backup_set_id_fkey" FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable: the run's references outcome (src/references/summary.ts), null before it is known.
ALTER TABLE "backup_schedule_runs" ADD COLUMN "reference_outcome" JSONB;
