-- A 429 pauses a write family until paused_until: writers that took their slot before the 429
-- look at it when their slot comes, and take a new slot after the pause instead of sending.
ALTER TABLE "graph_write_budgets" ADD COLUMN "paused_until" TIMESTAMPTZ(3);
