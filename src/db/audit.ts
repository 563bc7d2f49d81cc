import type { DbClient, Prisma } from './client';

/** "system", "operator" (runs started from Temporal) or "user:<id>". */
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
