-- How many times a delivery was replayed. Each replay runs in a workflow of its own
-- (notification-delivery-<id>-replay-<n>), and only the workflow of the current replay may send
-- or change the delivery's state: an older one still waiting for its next attempt stops instead.
ALTER TABLE "notification_deliveries" ADD COLUMN "replays" INTEGER NOT NULL DEFAULT 0;
