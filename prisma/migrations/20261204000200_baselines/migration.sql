-- Baselines (issue 15): a backup set pinned under a name, to compare tenants against, and the
-- explicit matches users set between a baseline's policies and another tenant's. Retention never
-- deletes a pinned set (src/retention/policy.ts), and the database refuses it too, as for legal
-- holds. Deleting the baseline unpins the set.

-- CreateTable
CREATE TABLE "baselines" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "backup_set_id" UUID NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "baselines_pkey" PRIMARY KEY ("id")
);

-- A name is unique within its tenant: whoever may read the tenant sees them side by side.
CREATE UNIQUE INDEX "baselines_tenant_id_name_key" ON "baselines"("tenant_id", "name");
CREATE INDEX "baselines_backup_set_id_idx" ON "baselines"("backup_set_id");

-- CreateTable
CREATE TABLE "baseline_mappings" (
    "baseline_id" UUID NOT NULL,
    "policy_type" TEXT NOT NULL,
    "baseline_graph_id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "tenant_graph_id" TEXT NOT NULL,

    CONSTRAINT "baseline_mappings_pkey" PRIMARY KEY ("baseline_id", "tenant_id", "policy_type", "baseline_graph_id")
);

-- One baseline policy per tenant policy too: a mapping is a pairing, both ways.
CREATE UNIQUE INDEX "baseline_mappings_tenant_side_key" ON "baseline_mappings"("baseline_id", "tenant_id", "policy_type", "tenant_graph_id");

-- AddForeignKey
ALTER TABLE "baselines" ADD CONSTRAINT "baselines_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A pinned set cannot go while its baseline exists (the trigger below says why first).
ALTER TABLE "baselines" ADD CONSTRAINT "baselines_backup_set_id_fkey" FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "baseline_mappings" ADD CONSTRAINT "baseline_mappings_baseline_id_fkey" FOREIGN KEY ("baseline_id") REFERENCES "baselines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "baseline_mappings" ADD CONSTRAINT "baseline_mappings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The legal-hold guard of 20261201000200_retention_safeguards, extended: a set a baseline pins
-- cannot be deleted either, by retention or by hand. (Semicolons in the body are written \073:
-- the migration runner splits scripts at every semicolon.)
CREATE OR REPLACE FUNCTION "reject_delete_of_held_set"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF EXISTS (SELECT 1 FROM backup_set_holds h WHERE h.backup_set_id = OLD.id
             AND (h.released_at IS NULL OR h.protects_until > now())) THEN
    RAISE EXCEPTION ''backup set % is under a legal hold'', OLD.id
      USING ERRCODE = ''integrity_constraint_violation''\073
  END IF\073
  IF EXISTS (SELECT 1 FROM baselines b WHERE b.backup_set_id = OLD.id) THEN
    RAISE EXCEPTION ''backup set % is pinned by a baseline'', OLD.id
      USING ERRCODE = ''integrity_constraint_violation''\073
  END IF\073
  RETURN OLD\073
END\073
';
