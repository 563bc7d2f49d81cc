-- Per-tenant sync leases: fairness between tenants (see TenantSyncLease in schema.prisma).

-- CreateTable
CREATE TABLE "tenant_sync_leases" (
    "run_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_sync_leases_pkey" PRIMARY KEY ("run_id")
);

-- CreateIndex
CREATE INDEX "tenant_sync_leases_tenant_id_idx" ON "tenant_sync_leases"("tenant_id");
