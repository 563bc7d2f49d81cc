// Tenant memberships: a user's role in a tenant. Without a row (and without platformAdmin on the
// user) the tenant does not exist for that user.
import type { DbClient as Db, TenantMembership, TenantRole, User } from './client';

export type Member = TenantMembership & { user: Pick<User, 'email' | 'displayName'> };

const withUser = { user: { select: { email: true, displayName: true } } } as const;

/** Whether the tenant exists, the user's role in it (null: not a member), and whether it is offboarded. */
export async function findTenantAccess(
  db: Db,
  tenantId: string,
  userId: string,
): Promise<{ role: TenantRole | null; offboarded: boolean } | undefined> {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: { offboardedAt: true, memberships: { where: { userId }, select: { role: true } } },
  });
  return tenant
    ? { role: tenant.memberships[0]?.role ?? null, offboarded: tenant.offboardedAt !== null }
    : undefined;
}

/**
 * Serialises membership changes of one tenant until the transaction ends (so two owners cannot
 * both step down at once); false when the tenant does not exist. NO KEY UPDATE does not block the
 * foreign-key checks of rows that reference the tenant.
 */
export async function lockTenantMemberships(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`
    SELECT id FROM tenants WHERE id = ${tenantId}::uuid FOR NO KEY UPDATE`;
  return rows.length > 0;
}

export function findMembership(db: Db, tenantId: string, userId: string): Promise<TenantMembership | null> {
  return db.tenantMembership.findUnique({ where: { tenantId_userId: { tenantId, userId } } });
}

/**
 * The user with this email if they are a member of a tenant `callerId` is also a member of: whom
 * a tenant owner who is no platform admin may add to their tenant.
 */
export function findUserSharingATenant(db: Db, email: string, callerId: string): Promise<User | null> {
  return db.user.findFirst({
    where: { email, memberships: { some: { tenant: { memberships: { some: { userId: callerId } } } } } },
  });
}

/** Owners of the tenant who are not deactivated (the ones who can still act), but for `exceptUserId`. */
export function countOtherActiveOwners(db: Db, tenantId: string, exceptUserId: string): Promise<number> {
  return db.tenantMembership.count({
    where: { tenantId, role: 'owner', userId: { not: exceptUserId }, user: { deactivatedAt: null } },
  });
}

export function upsertMembership(
  db: Db,
  tenantId: string,
  userId: string,
  role: TenantRole,
): Promise<Member> {
  return db.tenantMembership.upsert({
    where: { tenantId_userId: { tenantId, userId } },
    create: { tenantId, userId, role },
    update: { role },
    include: withUser,
  });
}

export async function deleteMembership(db: Db, tenantId: string, userId: string): Promise<void> {
  await db.tenantMembership.delete({ where: { tenantId_userId: { tenantId, userId } } });
}

/** The tenant's members by user id; the cursor is the last user id of the previous page. */
export function listMembers(
  db: Db,
  tenantId: string,
  page: { limit: number; cursor?: string },
): Promise<Member[]> {
  return db.tenantMembership.findMany({
    where: { tenantId, ...(page.cursor ? { userId: { gt: page.cursor } } : {}) },
    include: withUser,
    orderBy: { userId: 'asc' },
    take: page.limit + 1,
  });
}
