-- Who changed what: entries of the tenant's Graph audit logs (Intune's auditEvents, the directory
-- log for Conditional Access), read by each sync since the last successful read
-- (src/graph/auditSources.ts, src/activities/captureAuditEvents.ts).

-- CreateTable
CREATE TABLE "graph_audit_events" (
    "tenant_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "activity_time" TIMESTAMPTZ(3) NOT NULL,
    "actor" JSONB NOT NULL,
    "activity" TEXT NOT NULL,
    "operation" TEXT,
    "resource_ids" TEXT[] NOT NULL DEFAULT '{}',
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "graph_audit_events_pkey" PRIMARY KEY ("tenant_id","source","event_id")
);

-- The events on a resource id: the question every change asks.
CREATE INDEX "graph_audit_events_resource_ids_idx" ON "graph_audit_events" USING GIN ("resource_ids");
CREATE INDEX "graph_audit_events_tenant_id_activity_time_idx" ON "graph_audit_events"("tenant_id", "activity_time");

-- CreateTable
CREATE TABLE "graph_audit_cursors" (
    "tenant_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "read_until" TIMESTAMPTZ(3),
    "covered_from" TIMESTAMPTZ(3),
    "last_outcome" JSONB NOT NULL,
    "last_attempted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "graph_audit_cursors_pkey" PRIMARY KEY ("tenant_id","source")
);

-- AddForeignKey
ALTER TABLE "graph_audit_events" ADD CONSTRAINT "graph_audit_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "graph_audit_cursors" ADD CONSTRAINT "graph_audit_cursors_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable: the run's audit-event outcome per source, null before the sync has read them.
ALTER TABLE "backup_schedule_runs" ADD COLUMN "audit_event_outcome" JSONB;
