-- Field-level changes (issue 15). A change whose display name changed is `renamed`, and it lists its
-- field changes like `modified`.
ALTER TYPE "backup_change_kind" ADD VALUE 'renamed';

-- The leaf changes of a modified or renamed policy (src/diff), computed once when the set is
-- written and never rewritten (the row stays immutable). NULL for added and removed policies, and
-- for changes recorded before field-level changes existed.
ALTER TABLE "backup_set_changes" ADD COLUMN "fields" JSONB;
ALTER TABLE "backup_set_changes" ADD COLUMN "previous_display_name" TEXT;

-- A policy's changes across sets (its history, its inventory row's last change).
CREATE INDEX "backup_set_changes_policy_type_graph_id_idx"
  ON "backup_set_changes"("policy_type", "graph_id");
-- A policy's versions across sets.
CREATE INDEX "backup_items_policy_type_graph_id_idx" ON "backup_items"("policy_type", "graph_id");

-- The changes between two sets other than a set and its predecessor (those are backup_set_changes),
-- computed on the first request and kept: both sets are immutable, so the answer never changes.
-- Deleted with either set.
CREATE TABLE "backup_set_comparisons" (
    "id" UUID NOT NULL,
    "from_set_id" UUID NOT NULL,
    "to_set_id" UUID NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_set_comparisons_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "backup_set_comparisons_from_set_id_to_set_id_key"
  ON "backup_set_comparisons"("from_set_id", "to_set_id");
CREATE INDEX "backup_set_comparisons_to_set_id_idx" ON "backup_set_comparisons"("to_set_id");
ALTER TABLE "backup_set_comparisons" ADD CONSTRAINT "backup_set_comparisons_from_set_id_fkey"
  FOREIGN KEY ("from_set_id") REFERENCES "backup_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "backup_set_comparisons" ADD CONSTRAINT "backup_set_comparisons_to_set_id_fkey"
  FOREIGN KEY ("to_set_id") REFERENCES "backup_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "backup_set_comparison_changes" (
    "id" UUID NOT NULL,
    "comparison_id" UUID NOT NULL,
    "policy_type" TEXT NOT NULL,
    "graph_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "previous_display_name" TEXT,
    "change" "backup_change_kind" NOT NULL,
    "fields" JSONB,

    CONSTRAINT "backup_set_comparison_changes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "backup_set_comparison_changes_comparison_id_policy_type_graph_id_key"
  ON "backup_set_comparison_changes"("comparison_id", "policy_type", "graph_id");
ALTER TABLE "backup_set_comparison_changes" ADD CONSTRAINT "backup_set_comparison_changes_comparison_id_fkey"
  FOREIGN KEY ("comparison_id") REFERENCES "backup_set_comparisons"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The part of a canonical payload that can differ from another payload of the same policy: its
-- scalar properties (names, types: what the diff reads to label and classify), every property
-- whose value differs, and of the arrays matched by identity (`unordered`, from
-- src/graph/arrayRules.ts unorderedPropertiesOf) only the elements the other side does not hold
-- as many times. The snapshot reads these instead of whole payloads, so a 500 KB policy with one
-- changed setting sends that setting (src/db/changeRows.ts). Equal properties and elements
-- cannot hold a change.
CREATE FUNCTION "changed_part"("self" JSONB, "other" JSONB, "unordered" TEXT[]) RETURNS JSONB
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(self) IS DISTINCT FROM 'object' OR jsonb_typeof(other) IS DISTINCT FROM 'object'
    THEN self
    ELSE coalesce((
      SELECT jsonb_object_agg(e.key,
        CASE WHEN e.key = ANY(unordered) AND jsonb_typeof(e.value) = 'array'
                  AND jsonb_typeof(other -> e.key) = 'array'
          THEN coalesce((
            SELECT jsonb_agg(d.x) FROM (
              SELECT x FROM jsonb_array_elements(e.value) x
              EXCEPT ALL
              SELECT y FROM jsonb_array_elements(other -> e.key) y) d), '[]'::jsonb)
          ELSE e.value END)
      FROM jsonb_each(self) e
      WHERE jsonb_typeof(e.value) NOT IN ('object', 'array') OR e.value IS DISTINCT FROM other -> e.key
    ), '{}'::jsonb)
  END
$$;
