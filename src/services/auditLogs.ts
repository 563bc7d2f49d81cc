import { type AuditLogFilter, listAuditLogs as selectAuditLogs } from '../db/audit';
import type { Db } from '../db/client';
import { getTenant } from './tenants';

export async function listAuditLogs(db: Db, tenantId: string, page: AuditLogFilter) {
  await getTenant(db, tenantId);
  return selectAuditLogs(db, tenantId, page);
}
