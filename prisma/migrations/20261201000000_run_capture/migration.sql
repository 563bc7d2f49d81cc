-- Run-scoped capture: a backup set is made from what its own run fetched (run_captured_items),
-- never from the tenant-wide policies table that overlapping runs write concurrently.
-- Payload texts go straight into the content-addressed backup_payloads, so the policies table
-- keeps only the hash of the latest state.

-- CreateTable
CREATE TABLE "run_captured_items" (
    "run_id" UUID NOT NULL,
    "policy_type" TEXT NOT NULL,
    "graph_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "payload_bytes" INTEGER NOT NULL,

    CONSTRAINT "run_captured_items_pkey" PRIMARY KEY ("run_id","policy_type","graph_id")
);

-- CreateIndex
CREATE INDEX "run_captured_items_payload_hash_idx" ON "run_captured_items"("payload_hash");

-- AddForeignKey
ALTER TABLE "run_captured_items" ADD CONSTRAINT "run_captured_items_payload_hash_fkey" FOREIGN KEY ("payload_hash") REFERENCES "backup_payloads"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AlterTable: the payload text lives in backup_payloads (by hash) from now on.
ALTER TABLE "policies" DROP COLUMN "payload";

-- CreateTable
CREATE TABLE "run_captured_types" (
    "run_id" UUID NOT NULL,
    "policy_type" TEXT NOT NULL,
    "fetched" INTEGER NOT NULL,
    "captured_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_captured_types_pkey" PRIMARY KEY ("run_id","policy_type")
);

-- CreateTable
CREATE TABLE "run_capture_owners" (
    "run_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_capture_owners_pkey" PRIMARY KEY ("run_id")
);
