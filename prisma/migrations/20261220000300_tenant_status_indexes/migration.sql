-- Tenant status (issue 20, src/db/tenantStatus.ts) reads per tenant its newest run that failed to
-- get a Graph token and its newest connection test. Partial indexes keep each read a walk of a
-- few entries instead of a filter over all the tenant's runs or audit rows.
CREATE INDEX "backup_schedule_runs_graph_auth_failed_idx" ON "backup_schedule_runs" ("tenant_id", "created_at")
  WHERE "error_code" = 'graph_auth_failed';

CREATE INDEX "audit_logs_connection_tested_idx" ON "audit_logs" ("tenant_id", "created_at")
  WHERE "action" = 'tenant.connection_tested';
