-- When a channel's signing secret was last rotated, shown as secret.rotatedAt (never the secret).
ALTER TABLE "notification_channels" ADD COLUMN "secret_rotated_at" TIMESTAMPTZ(3);
