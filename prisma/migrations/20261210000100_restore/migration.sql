-- Restore, preview first (issue 17): tenant opt-in, plans with their items, the ledger of write
-- steps, lineage of re-created objects and the shared Graph write budget. See prisma/schema.prisma.

ALTER TABLE "tenants" ADD COLUMN "restore_enabled" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "tenants" ADD COLUMN "restore_approval_required" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "tenants" ADD COLUMN "restore_settings_changed_at" TIMESTAMPTZ(3);
ALTER TABLE "tenants" ADD COLUMN "restore_settings_changed_by" TEXT;

ALTER TYPE "backup_change_kind" ADD VALUE 'restored';
ALTER TABLE "backup_set_changes" ADD COLUMN "restored_from_graph_id" TEXT;

CREATE TYPE "restore_status" AS ENUM ('planning', 'planned', 'plan_failed', 'applying', 'succeeded', 'partial', 'failed', 'canceled');
CREATE TYPE "restore_mode" AS ENUM ('in_place', 'missing_only', 'as_copy');
CREATE TYPE "restore_item_action" AS ENUM ('update', 'create', 'noop', 'blocked');
CREATE TYPE "restore_item_outcome" AS ENUM ('created', 'updated', 'noop', 'stale', 'blocked', 'failed');

CREATE TABLE "restores" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "backup_set_id" UUID NOT NULL,
    "status" "restore_status" NOT NULL DEFAULT 'planning',
    "mode" "restore_mode" NOT NULL,
    "assignments" TEXT NOT NULL,
    "conditional_access_state" TEXT NOT NULL,
    "selection" JSONB NOT NULL,
    "requested_by" TEXT NOT NULL,
    "approved_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "applied_by" TEXT,
    "apply_rounds" INTEGER NOT NULL DEFAULT 0,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "plan_hash" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "planned_at" TIMESTAMPTZ(3),
    "apply_started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "restores_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "restores_tenant_id_created_at_idx" ON "restores"("tenant_id", "created_at");
ALTER TABLE "restores" ADD CONSTRAINT "restores_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "restore_items" (
    "id" UUID NOT NULL,
    "restore_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "policy_type" TEXT NOT NULL,
    "source_graph_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "action" "restore_item_action" NOT NULL,
    "blocked_reason" TEXT,
    "blocked_detail" TEXT,
    "target_graph_id" TEXT,
    "precondition" JSONB NOT NULL,
    "changes" JSONB,
    "adjustments" JSONB,
    "outcome" "restore_item_outcome",
    "outcome_detail" TEXT,
    "created_graph_id" TEXT,
    "verification" TEXT,
    "server_changes" JSONB,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "restore_items_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "restore_items_restore_id_policy_type_source_graph_id_key" ON "restore_items"("restore_id", "policy_type", "source_graph_id");
CREATE INDEX "restore_items_restore_id_position_idx" ON "restore_items"("restore_id", "position");
ALTER TABLE "restore_items" ADD CONSTRAINT "restore_items_restore_id_fkey" FOREIGN KEY ("restore_id") REFERENCES "restores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "restore_steps" (
    "restore_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "marker" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "attempt_started_at" TIMESTAMPTZ(3),
    "target_graph_id" TEXT,
    "result" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "restore_steps_pkey" PRIMARY KEY ("restore_id", "item_id", "step")
);
ALTER TABLE "restore_steps" ADD CONSTRAINT "restore_steps_restore_id_fkey" FOREIGN KEY ("restore_id") REFERENCES "restores"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "restore_steps" ADD CONSTRAINT "restore_steps_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "restore_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "restore_lineage" (
    "tenant_id" UUID NOT NULL,
    "policy_type" TEXT NOT NULL,
    "target_graph_id" TEXT NOT NULL,
    "source_graph_id" TEXT NOT NULL,
    "restore_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "restore_lineage_pkey" PRIMARY KEY ("tenant_id", "policy_type", "target_graph_id")
);
CREATE INDEX "restore_lineage_tenant_id_policy_type_source_graph_id_idx" ON "restore_lineage"("tenant_id", "policy_type", "source_graph_id");
ALTER TABLE "restore_lineage" ADD CONSTRAINT "restore_lineage_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "graph_write_budgets" (
    "tenant_id" UUID NOT NULL,
    "family" TEXT NOT NULL,
    "next_slot_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "graph_write_budgets_pkey" PRIMARY KEY ("tenant_id", "family")
);
