-- Snapshots are written in SQL from the policies table, so each policy keeps the byte size of
-- its canonical JSON (jsonb renders differently, so the text length cannot stand in for it).
ALTER TABLE "policies" ADD COLUMN "payload_bytes" INTEGER;
UPDATE "policies" SET "payload_bytes" = octet_length("payload"::text);
ALTER TABLE "policies" ALTER COLUMN "payload_bytes" SET NOT NULL;

-- Change tracking against the schedule's previous set.
ALTER TABLE "backup_sets" ADD COLUMN "previous_backup_set_id" UUID;

CREATE TYPE "backup_change_kind" AS ENUM ('added', 'removed', 'modified');

CREATE TABLE "backup_set_changes" (
    "id" UUID NOT NULL,
    "backup_set_id" UUID NOT NULL,
    "policy_type" TEXT NOT NULL,
    "graph_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "change" "backup_change_kind" NOT NULL,

    CONSTRAINT "backup_set_changes_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "backup_set_changes_backup_set_id_policy_type_graph_id_key"
  ON "backup_set_changes"("backup_set_id", "policy_type", "graph_id");

ALTER TABLE "backup_set_changes" ADD CONSTRAINT "backup_set_changes_backup_set_id_fkey"
  FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Like the set it belongs to, a change list is never rewritten.
CREATE TRIGGER "backup_set_changes_immutable" BEFORE UPDATE ON "backup_set_changes"
  FOR EACH ROW EXECUTE FUNCTION "reject_update_of_immutable_row"();
