-- Retention safeguards (src/retention/policy.ts): a tenant minimum, a grace period before any
-- reduction takes effect (sets younger than it are kept too), legal holds, and the policy types
-- each set holds.

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN "retention_min_keep_last" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "retention_grace_days" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN "retention_reductions" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "backup_schedules" ADD COLUMN "retention_reductions" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "backup_sets" ADD COLUMN "policy_types" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Sets made before this migration: the types they hold items of (a type captured empty is not
-- known for them). Sets are immutable, so the trigger is lifted for this one statement.
ALTER TABLE "backup_sets" DISABLE TRIGGER "backup_sets_immutable";
UPDATE "backup_sets" s SET "policy_types" = coalesce(
  (SELECT array_agg(DISTINCT i."policy_type" ORDER BY i."policy_type") FROM "backup_items" i
   WHERE i."backup_set_id" = s."id"),
  ARRAY[]::TEXT[]);
ALTER TABLE "backup_sets" ENABLE TRIGGER "backup_sets_immutable";

-- CreateTable
CREATE TABLE "backup_set_holds" (
    "backup_set_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "placed_by" TEXT NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_by" TEXT,
    "released_at" TIMESTAMPTZ(3),
    "protects_until" TIMESTAMPTZ(3),

    CONSTRAINT "backup_set_holds_pkey" PRIMARY KEY ("backup_set_id")
);

-- AddForeignKey
ALTER TABLE "backup_set_holds" ADD CONSTRAINT "backup_set_holds_backup_set_id_fkey" FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A held set cannot be deleted, by retention or by hand: the hold is on, or was released less
-- than the protection it left ago. (Semicolons in the body are written \073: the migration
-- runner splits scripts at every semicolon.)
CREATE FUNCTION "reject_delete_of_held_set"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF EXISTS (SELECT 1 FROM backup_set_holds h WHERE h.backup_set_id = OLD.id
             AND (h.released_at IS NULL OR h.protects_until > now())) THEN
    RAISE EXCEPTION ''backup set % is under a legal hold'', OLD.id
      USING ERRCODE = ''integrity_constraint_violation''\073
  END IF\073
  RETURN OLD\073
END\073
';

CREATE TRIGGER "backup_sets_held" BEFORE DELETE ON "backup_sets"
  FOR EACH ROW EXECUTE FUNCTION "reject_delete_of_held_set"();
