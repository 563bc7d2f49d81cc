-- Offsite copies (issue 18): one optional destination per tenant (Azure Blob Storage or an
-- S3-compatible store), managed by its owners, and one copy record per backup set.
CREATE TYPE "offsite_store_kind" AS ENUM ('azure_blob', 's3');
-- copying: an attempt has begun and none has ended (a retry of a failed copy keeps `failed` and
-- its last error until it ends).
CREATE TYPE "offsite_copy_status" AS ENUM ('copying', 'copied', 'failed');

CREATE TABLE "offsite_destinations" (
    "tenant_id" UUID NOT NULL,
    "kind" "offsite_store_kind" NOT NULL,
    -- Settings that are not secret (container or bucket, account URL or endpoint, region,
    -- prefix, path style): src/export/offsite/destination.ts is their schema.
    "settings" JSONB NOT NULL,
    -- The credentials (connection string, SAS token or S3 secret key) as JSON, AES-256-GCM
    -- under SECRET_ENCRYPTION_KEYS like client secrets. Never returned by the API.
    "credentials_ciphertext" TEXT NOT NULL,
    "credentials_key_id" TEXT NOT NULL,
    -- Days each copied object stays immutable (WORM) where the store supports it, null for none.
    "immutability_days" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" TEXT,
    CONSTRAINT "offsite_destinations_pkey" PRIMARY KEY ("tenant_id"),
    CONSTRAINT "offsite_destinations_immutability_days_check" CHECK ("immutability_days" IS NULL OR "immutability_days" BETWEEN 1 AND 36500)
);
ALTER TABLE "offsite_destinations" ADD CONSTRAINT "offsite_destinations_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What the copyOffsite activity did for a set: the object it wrote (or found already written by
-- an earlier attempt), its size, SHA-256 and ETag, or the error of its last failed attempt.
CREATE TABLE "backup_set_offsite_copies" (
    "backup_set_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "kind" "offsite_store_kind" NOT NULL,
    "status" "offsite_copy_status" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "object_name" TEXT,
    "manifest_object_name" TEXT,
    "size_bytes" BIGINT,
    "sha256" TEXT,
    "etag" TEXT,
    "immutable_until" TIMESTAMPTZ(3),
    "error_code" TEXT,
    "error_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "backup_set_offsite_copies_pkey" PRIMARY KEY ("backup_set_id")
);
CREATE INDEX "backup_set_offsite_copies_tenant_id_status_idx" ON "backup_set_offsite_copies"("tenant_id", "status");
ALTER TABLE "backup_set_offsite_copies" ADD CONSTRAINT "backup_set_offsite_copies_backup_set_id_fkey"
  FOREIGN KEY ("backup_set_id") REFERENCES "backup_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
