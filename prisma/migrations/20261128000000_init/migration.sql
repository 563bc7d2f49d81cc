-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "schedule_frequency" AS ENUM ('hourly', 'daily', 'weekly');

-- CreateEnum
CREATE TYPE "temporal_sync_state" AS ENUM ('pending', 'synced', 'error');

-- CreateEnum
CREATE TYPE "run_trigger" AS ENUM ('scheduled', 'manual', 'retry', 'operator');

-- CreateEnum
CREATE TYPE "run_status" AS ENUM ('queued', 'running', 'succeeded', 'partial', 'failed', 'skipped', 'canceled');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "azure_tenant_id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "client_secret_ciphertext" TEXT NOT NULL,
    "client_secret_key_id" TEXT NOT NULL DEFAULT 'plain',
    "graph_base_url" TEXT,
    "login_base_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "platform_admin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_schedules" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "frequency" "schedule_frequency" NOT NULL,
    "minute" INTEGER,
    "time_of_day" TEXT,
    "days_of_week" TEXT[],
    "timezone" TEXT NOT NULL,
    "policy_types" TEXT[],
    "retention_keep_last" INTEGER NOT NULL,
    "temporal_sync_state" "temporal_sync_state" NOT NULL DEFAULT 'pending',
    "temporal_sync_error" TEXT,
    "temporal_synced_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "backup_schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_schedule_runs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "schedule_id" UUID NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "temporal_run_id" TEXT,
    "trigger" "run_trigger" NOT NULL,
    "scheduled_for" TIMESTAMPTZ(3),
    "status" "run_status" NOT NULL DEFAULT 'queued',
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "summary" JSONB,
    "error_code" TEXT,
    "error_message" TEXT,
    "backup_set_id" UUID,
    "retry_of_id" UUID,
    "requested_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "backup_schedule_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policies" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "policy_type" TEXT NOT NULL,
    "graph_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "graph_last_modified" TIMESTAMPTZ(3),
    "last_synced_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_sets" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "schedule_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "item_count" INTEGER NOT NULL,
    "total_bytes" BIGINT NOT NULL,
    "new_payload_bytes" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_items" (
    "id" UUID NOT NULL,
    "backup_set_id" UUID NOT NULL,
    "policy_type" TEXT NOT NULL,
    "graph_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,

    CONSTRAINT "backup_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_payloads" (
    "hash" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_payloads_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "audit_logs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "tenant_id" UUID,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "data" JSONB,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_prefix_key" ON "api_tokens"("prefix");

-- CreateIndex
CREATE INDEX "backup_schedules_tenant_id_idx" ON "backup_schedules"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedule_runs_workflow_id_key" ON "backup_schedule_runs"("workflow_id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_schedule_runs_backup_set_id_key" ON "backup_schedule_runs"("backup_set_id");

-- CreateIndex
CREATE INDEX "backup_schedule_runs_tenant_id_created_at_idx" ON "backup_schedule_runs"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "backup_schedule_runs_schedule_id_created_at_idx" ON "backup_schedule_runs"("schedule_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "policies_tenant_id_policy_type_graph_id_key" ON "policies"("tenant_id", "policy_type", "graph_id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_sets_run_id_key" ON "backup_sets"("run_id");

-- CreateIndex
CREATE INDEX "backup_sets_schedule_id_created_at_idx" ON "backup_sets"("schedule_id", "created_at");

-- CreateIndex
CREATE INDEX "backup_sets_tenant_id_created_at_idx" ON "backup_sets"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "backup_items_payload_hash_idx" ON "backup_items"("payload_hash");

-- CreateIndex
CREATE UNIQUE INDEX "backup_items_backup_set_id_policy_type_graph_id_key" ON "backup_items"("backup_set_id", "policy_type", "graph_id");

-- CreateIndex
CREATE INDEX "audit_logs_tenant_id_created_at_idx" ON "audit_logs"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "notifications_user_id_created_at_idx" ON "notifications"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_schedules" ADD CONSTRAINT "backup_schedules_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_schedule_runs" ADD CONSTRAINT "backup_schedule_runs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_schedule_runs" ADD CONSTRAINT "backup_schedule_runs_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "backup_schedules"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_schedule_runs" ADD CONSTRAINT "backup_schedule_runs_backup_set_id_fkey" FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_schedule_runs" ADD CONSTRAINT "backup_schedule_runs_retry_of_id_fkey" FOREIGN KEY ("retry_of_id") REFERENCES "backup_schedule_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policies" ADD CONSTRAINT "policies_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_sets" ADD CONSTRAINT "backup_sets_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_sets" ADD CONSTRAINT "backup_sets_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "backup_schedules"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_items" ADD CONSTRAINT "backup_items_backup_set_id_fkey" FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_items" ADD CONSTRAINT "backup_items_payload_hash_fkey" FOREIGN KEY ("payload_hash") REFERENCES "backup_payloads"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------
-- Hand-written rules that the Prisma schema language cannot express.
-- ---------------------------------------------------------------------------

-- A schedule name is unique per tenant among schedules that are not deleted,
-- so a deleted schedule's name can be reused while its history is kept.
CREATE UNIQUE INDEX "backup_schedules_tenant_id_name_live_key"
  ON "backup_schedules" ("tenant_id", "name") WHERE "deleted_at" IS NULL;

-- One run at a time per schedule, whatever started it: the schedule's overlap
-- policy does not cover triggers sent with ALLOW_ALL, so Postgres is the lock.
CREATE UNIQUE INDEX "backup_schedule_runs_one_running_per_schedule"
  ON "backup_schedule_runs" ("schedule_id") WHERE "status" = 'running';

-- Backup sets, their items and payloads are immutable once written. Retention may
-- delete them, nothing may rewrite them.
-- The migration runner of the WebAssembly schema engine splits the script at every
-- semicolon, even inside quotes, so the body spells its semicolons as \073 in an
-- escape string.
CREATE FUNCTION "reject_update_of_immutable_row"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''% of rows of % is not allowed: they are immutable'', TG_OP, TG_TABLE_NAME
    USING ERRCODE = ''integrity_constraint_violation''\073
END\073
';

CREATE TRIGGER "backup_sets_immutable" BEFORE UPDATE ON "backup_sets"
  FOR EACH ROW EXECUTE FUNCTION "reject_update_of_immutable_row"();
CREATE TRIGGER "backup_items_immutable" BEFORE UPDATE ON "backup_items"
  FOR EACH ROW EXECUTE FUNCTION "reject_update_of_immutable_row"();
CREATE TRIGGER "backup_payloads_immutable" BEFORE UPDATE ON "backup_payloads"
  FOR EACH ROW EXECUTE FUNCTION "reject_update_of_immutable_row"();

-- The audit log is append-only: neither rewritten nor deleted.
CREATE TRIGGER "audit_logs_append_only" BEFORE UPDATE OR DELETE ON "audit_logs"
  FOR EACH ROW EXECUTE FUNCTION "reject_update_of_immutable_row"();
