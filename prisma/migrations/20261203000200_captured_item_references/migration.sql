-- The objects each captured policy references ("kind:id"), extracted while its page is written,
-- so the run's references step reads these ids instead of every captured payload again.
ALTER TABLE "run_captured_items" ADD COLUMN "referenced" TEXT[] NOT NULL DEFAULT '{}';
