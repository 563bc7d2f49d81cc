-- Notifications that reach people (issue 16): channels per tenant (or platform-wide), events
-- keyed by their cause so each is produced once, and one delivery per (event, channel) with its
-- attempts. Delivery itself is a Temporal workflow (src/workflows/deliverNotification.ts).

CREATE TYPE "notification_channel_kind" AS ENUM ('webhook', 'teams', 'email', 'in_app');
CREATE TYPE "notification_digest" AS ENUM ('none', 'hourly', 'daily');
CREATE TYPE "notification_delivery_status" AS ENUM ('pending', 'succeeded', 'failed', 'batched');

-- CreateTable
CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "name" TEXT NOT NULL,
    "kind" "notification_channel_kind" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "url" TEXT,
    "secret_ciphertext" TEXT,
    "secret_key_id" TEXT,
    "previous_secret_ciphertext" TEXT,
    "previous_secret_key_id" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "event_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "filters" JSONB NOT NULL DEFAULT '{}',
    "digest" "notification_digest" NOT NULL DEFAULT 'none',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "notification_channels_tenant_id_idx" ON "notification_channels"("tenant_id");

-- CreateTable
CREATE TABLE "notification_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "type" TEXT NOT NULL,
    "cause_key" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_events_pkey" PRIMARY KEY ("id")
);

-- Exactly once per cause: a second insert of the same cause (a retried activity) finds this row.
CREATE UNIQUE INDEX "notification_events_cause_key_key" ON "notification_events"("cause_key");
CREATE INDEX "notification_events_tenant_id_created_at_idx" ON "notification_events"("tenant_id", "created_at");

-- CreateTable
CREATE TABLE "notification_deliveries" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "event_id" UUID,
    "webhook_id" TEXT NOT NULL,
    "status" "notification_delivery_status" NOT NULL DEFAULT 'pending',
    "digest_window_end" TIMESTAMPTZ(3),
    "digest_id" UUID,
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "workflow_started_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- One delivery per (event, channel). Digests have no event of their own.
CREATE UNIQUE INDEX "notification_deliveries_event_id_channel_id_key" ON "notification_deliveries"("event_id", "channel_id");
CREATE UNIQUE INDEX "notification_deliveries_webhook_id_key" ON "notification_deliveries"("webhook_id");
CREATE INDEX "notification_deliveries_channel_id_created_at_idx" ON "notification_deliveries"("channel_id", "created_at");
CREATE INDEX "notification_deliveries_digest_idx" ON "notification_deliveries"("channel_id", "digest_window_end") WHERE "status" = 'pending' AND "digest_window_end" IS NOT NULL;
CREATE INDEX "notification_deliveries_unstarted_idx" ON "notification_deliveries"("created_at") WHERE "workflow_started_at" IS NULL;

-- CreateTable
CREATE TABLE "notification_delivery_attempts" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "outcome" TEXT NOT NULL,
    "error" TEXT,

    CONSTRAINT "notification_delivery_attempts_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "notification_delivery_attempts_delivery_id_number_idx" ON "notification_delivery_attempts"("delivery_id", "number");

-- CreateTable: a tenant watching a baseline, so each of its new sets is compared with it.
CREATE TABLE "baseline_subscriptions" (
    "baseline_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "baseline_subscriptions_pkey" PRIMARY KEY ("baseline_id", "tenant_id")
);

CREATE INDEX "baseline_subscriptions_tenant_id_idx" ON "baseline_subscriptions"("tenant_id");

-- AddForeignKey
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_events" ADD CONSTRAINT "notification_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "notification_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_digest_id_fkey" FOREIGN KEY ("digest_id") REFERENCES "notification_deliveries"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "notification_delivery_attempts" ADD CONSTRAINT "notification_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "notification_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "baseline_subscriptions" ADD CONSTRAINT "baseline_subscriptions_baseline_id_fkey" FOREIGN KEY ("baseline_id") REFERENCES "baselines"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "baseline_subscriptions" ADD CONSTRAINT "baseline_subscriptions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
