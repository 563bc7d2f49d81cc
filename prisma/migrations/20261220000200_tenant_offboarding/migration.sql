-- Tenant offboarding (issue 20): DELETE /v1/tenants/{id} marks the tenant offboarded (its data
-- read-only until purge_after), and the TenantPurge workflow then deletes everything of it.
ALTER TABLE "tenants" ADD COLUMN "offboarded_at" TIMESTAMPTZ(3),
ADD COLUMN "offboarded_by" TEXT,
ADD COLUMN "purge_after" TIMESTAMPTZ(3),
ADD COLUMN "purge_started_at" TIMESTAMPTZ(3);

-- The audit log stays append-only, except that the purge of an offboarded tenant deletes the
-- tenant's own rows: only once purge_started_at is set, which only the purge activity sets. The
-- platform-level record of the purge (tenant_id null) is never deleted. (Semicolons in the body
-- are written \073: the migration runner splits scripts at every semicolon.)
CREATE FUNCTION "reject_audit_change_unless_purged"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' AND OLD.tenant_id IS NOT NULL AND EXISTS (
       SELECT 1 FROM tenants t WHERE t.id = OLD.tenant_id AND t.purge_started_at IS NOT NULL) THEN
    RETURN OLD\073
  END IF\073
  RAISE EXCEPTION ''% of rows of % is not allowed: they are immutable'', TG_OP, TG_TABLE_NAME
    USING ERRCODE = ''integrity_constraint_violation''\073
END\073
';

DROP TRIGGER "audit_logs_append_only" ON "audit_logs";
CREATE TRIGGER "audit_logs_append_only" BEFORE UPDATE OR DELETE ON "audit_logs"
  FOR EACH ROW EXECUTE FUNCTION "reject_audit_change_unless_purged"();
