import type { AuditLog, DbClient, Prisma } from './client';
import { after, createdBetween, type KeysetPosition, NEWEST_FIRST } from './paging';

/**
 * "system", "operator" (someone with access to the deployment itself: runs started in Temporal,
 * the admin command line) or "user:<id>".
 */
export type AuditActor = 'system' | 'operator' | `user:${string}`;

export interface AuditEntry {
  tenantId: string | null;
  actor: AuditActor;
  action: string;
  resourceType: string;
  resourceId?: string;
  /** Ids, counts and codes only: never secrets, tokens or policy payloads. */
  metadata?: Prisma.InputJsonObject;
}

export async function appendAudit(db: DbClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({ data: { ...entry, metadata: entry.metadata ?? {} } });
}

export const userActor = (userId: string): AuditActor => `user:${userId}`;

/** Who a run acts for: the requesting user, the scheduler (`system`), or an operator in Temporal. */
export function runActor(run: { requestedBy: string | null; trigger: string }): AuditActor {
  if (run.requestedBy?.startsWith('user:')) return run.requestedBy as AuditActor;
  return run.trigger === 'scheduled' ? 'system' : 'operator';
}

export interface AuditLogFilter {
  limit: number;
  cursor?: KeysetPosition;
  action?: string;
  from?: Date;
  to?: Date;
}

/** The tenant's audit rows, newest first, optionally of one action and a time range. */
export function listAuditLogs(db: DbClient, tenantId: string, page: AuditLogFilter): Promise<AuditLog[]> {
  return db.auditLog.findMany({
    where: {
      tenantId,
      ...(page.action ? { action: page.action } : {}),
      ...createdBetween(page.from, page.to),
      ...after(page.cursor),
    },
    orderBy: NEWEST_FIRST,
    take: page.limit + 1,
  });
}
