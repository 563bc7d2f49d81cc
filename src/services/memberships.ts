// Who is a member of a tenant, with which role. A tenant keeps at least one owner once it has
// one, so its owners cannot lock themselves out by accident (a platform admin can always act).
import { type AuditActor, appendAudit } from '../db/audit';
import type { Db, DbClient, TenantRole } from '../db/client';
import {
  countOwners,
  deleteMembership,
  findMembership,
  lockTenantMemberships,
  type Member,
  listMembers as selectMembers,
  upsertMembership,
} from '../db/memberships';
import { findUser } from '../db/users';
import { ConflictError, NotFoundError } from './errors';

export function listMembers(db: Db, tenantId: string, page: { limit: number; cursor?: string }) {
  return selectMembers(db, tenantId, page);
}

/** Adds the user to the tenant with `role`, or changes their role. */
export async function setMembership(
  db: Db,
  tenantId: string,
  userId: string,
  role: TenantRole,
  actor: AuditActor,
): Promise<Member> {
  return db.$transaction(async (tx) => {
    if (!(await lockTenantMemberships(tx, tenantId))) throw new NotFoundError('tenant');
    if (!(await findUser(tx, userId))) throw new NotFoundError('user');
    const previous = await findMembership(tx, tenantId, userId);
    if (previous?.role === 'owner' && role !== 'owner') await keepAnOwner(tx, tenantId);
    const member = await upsertMembership(tx, tenantId, userId, role);
    await appendAudit(tx, {
      tenantId,
      actor,
      action: previous ? 'membership.changed' : 'membership.added',
      resourceType: 'membership',
      resourceId: userId,
      metadata: { role, ...(previous ? { previousRole: previous.role } : {}) },
    });
    return member;
  });
}

export async function removeMembership(db: Db, tenantId: string, userId: string, actor: AuditActor) {
  await db.$transaction(async (tx) => {
    if (!(await lockTenantMemberships(tx, tenantId))) throw new NotFoundError('tenant');
    const previous = await findMembership(tx, tenantId, userId);
    if (!previous) throw new NotFoundError('member');
    if (previous.role === 'owner') await keepAnOwner(tx, tenantId);
    await deleteMembership(tx, tenantId, userId);
    await appendAudit(tx, {
      tenantId,
      actor,
      action: 'membership.removed',
      resourceType: 'membership',
      resourceId: userId,
      metadata: { previousRole: previous.role },
    });
  });
}

async function keepAnOwner(db: DbClient, tenantId: string): Promise<void> {
  if ((await countOwners(db, tenantId)) <= 1)
    throw new ConflictError(
      'a tenant keeps at least one owner; make another member owner first',
      'last_owner',
    );
}
