// Who is a member of a tenant, with which role. A tenant keeps at least one owner once it has
// one, so its owners cannot lock themselves out by accident (a platform admin can always act).
// Through the API a user is added by email and only by someone allowed to know them; the role
// of a member is changed by user id.
import { type AuditActor, appendAudit } from '../db/audit';
import type { Db, DbClient, TenantMembership, TenantRole } from '../db/client';
import {
  countOtherActiveOwners,
  deleteMembership,
  findMembership,
  findUserSharingATenant,
  lockTenantMemberships,
  type Member,
  listMembers as selectMembers,
  upsertMembership,
} from '../db/memberships';
import { findUser, findUserByEmail } from '../db/users';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import { normalizeEmail } from './users';

export function listMembers(db: Db, tenantId: string, page: { limit: number; cursor?: string }) {
  return selectMembers(db, tenantId, page);
}

/** Who asks to add a member: a tenant owner, or a platform admin (who may add anyone). */
export interface MemberCaller {
  userId: string;
  platformAdmin: boolean;
}

const NOT_ADDABLE =
  'no user you may add has this email: you may add users who share a tenant with you; ' +
  'a platform admin adds anyone else';

/**
 * Adds the user with this email to the tenant. A caller who is no platform admin may add only
 * users who already share a tenant with them, and learns nothing about anyone else: an unknown
 * email and a user outside the caller's tenants get the same answer (422 on `email`).
 */
export async function addMember(
  db: Db,
  tenantId: string,
  input: { email: string; role: TenantRole },
  caller: MemberCaller,
  actor: AuditActor,
): Promise<Member> {
  const email = normalizeEmail(input.email);
  return inLockedTenant(db, tenantId, async (tx) => {
    const user = caller.platformAdmin
      ? await findUserByEmail(tx, email)
      : await findUserSharingATenant(tx, email, caller.userId);
    if (!user) throw new InvalidInputError('email', NOT_ADDABLE);
    // A member of this tenant shares it with the caller: saying so reveals nothing new.
    if (await findMembership(tx, tenantId, user.id))
      throw new ConflictError(
        'already a member of this tenant: change their role with PUT …/members/{userId}',
        'already_member',
        'email',
      );
    return writeMembership(tx, tenantId, user.id, input.role, null, actor);
  });
}

/** Changes a member's role; 404 for a user who is no member of the tenant. */
export async function changeMemberRole(
  db: Db,
  tenantId: string,
  userId: string,
  role: TenantRole,
  actor: AuditActor,
): Promise<Member> {
  return inLockedTenant(db, tenantId, async (tx) => {
    const previous = await findMembership(tx, tenantId, userId);
    if (!previous) throw new NotFoundError('member');
    return writeMembership(tx, tenantId, userId, role, previous, actor);
  });
}

/**
 * Adds the user to the tenant with `role`, or changes their role: for the admin command line and
 * the dev and test seeds, whose operators see every user anyway.
 */
export async function setMembership(
  db: Db,
  tenantId: string,
  userId: string,
  role: TenantRole,
  actor: AuditActor,
): Promise<Member> {
  return inLockedTenant(db, tenantId, async (tx) => {
    if (!(await findUser(tx, userId))) throw new NotFoundError('user');
    const previous = await findMembership(tx, tenantId, userId);
    return writeMembership(tx, tenantId, userId, role, previous, actor);
  });
}

/** Runs `work` in a transaction that holds the tenant's membership lock; 404 for no tenant. */
function inLockedTenant<T>(db: Db, tenantId: string, work: (tx: DbClient) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    if (!(await lockTenantMemberships(tx, tenantId))) throw new NotFoundError('tenant');
    return work(tx);
  });
}

/** Writes the membership and its audit row; the tenant's memberships are locked by the caller. */
async function writeMembership(
  tx: DbClient,
  tenantId: string,
  userId: string,
  role: TenantRole,
  previous: TenantMembership | null,
  actor: AuditActor,
): Promise<Member> {
  if (previous?.role === 'owner' && role !== 'owner') await keepAnOwner(tx, tenantId, userId);
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
}

export async function removeMembership(db: Db, tenantId: string, userId: string, actor: AuditActor) {
  await inLockedTenant(db, tenantId, async (tx) => {
    const previous = await findMembership(tx, tenantId, userId);
    if (!previous) throw new NotFoundError('member');
    if (previous.role === 'owner') await keepAnOwner(tx, tenantId, userId);
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

/**
 * A deactivated owner cannot act, so an owner stepping down must leave another active one (a
 * tenant whose only active owner was deactivated keeps that owner until another is made).
 */
async function keepAnOwner(db: DbClient, tenantId: string, leavingUserId: string): Promise<void> {
  if ((await countOtherActiveOwners(db, tenantId, leavingUserId)) === 0)
    throw new ConflictError(
      'a tenant keeps at least one active owner; make another active member owner first',
      'last_owner',
    );
}
