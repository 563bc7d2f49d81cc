import type { DbClient as Db, User } from './client';
import { after, type KeysetPosition, NEWEST_FIRST } from './paging';

export interface UserInput {
  email: string;
  displayName: string;
  platformAdmin: boolean;
}

export function insertUser(db: Db, input: UserInput): Promise<User> {
  return db.user.create({ data: input });
}

export function findUser(db: Db, userId: string): Promise<User | null> {
  return db.user.findUnique({ where: { id: userId } });
}

export function findUserByEmail(db: Db, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email } });
}

/**
 * Locks the user's row until the transaction ends, so that two token issues for one user cannot
 * both pass the cap; false if there is no such user. NO KEY UPDATE does not block the foreign-key
 * checks of rows that reference the user (the new token itself).
 */
export async function lockUser(db: Db, userId: string): Promise<boolean> {
  const rows = await db.$queryRaw<
    unknown[]
  >`SELECT id FROM users WHERE id = ${userId}::uuid FOR NO KEY UPDATE`;
  return rows.length > 0;
}

/** A user's standing: what deactivation and the platform admin role change. */
export type UserStanding = Pick<User, 'platformAdmin' | 'deactivatedAt' | 'deactivatedBy'>;

/**
 * Serializes every change of who is an active platform admin until the transaction ends, so two
 * admins removing each other at once cannot both pass the "not the last one" check: the second
 * waits, then counts what the first left.
 */
export async function lockPlatformAdmins(db: Db): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('platform-admins'))`;
}

/** Platform admins who are not deactivated: the ones who can still act. */
export function countActivePlatformAdmins(db: Db): Promise<number> {
  return db.user.count({ where: { platformAdmin: true, deactivatedAt: null } });
}

/**
 * Which of these audit actors (`user:<id>`; other actors are ignored) name a deactivated user:
 * the signatures that no longer count.
 */
export async function deactivatedUserActors(db: Db, actors: readonly (string | null)[]): Promise<string[]> {
  const ids = actors.flatMap((actor) => (actor?.startsWith('user:') ? [actor.slice('user:'.length)] : []));
  if (ids.length === 0) return [];
  const users = await db.user.findMany({
    where: { id: { in: ids }, deactivatedAt: { not: null } },
    select: { id: true },
  });
  return users.map((user) => `user:${user.id}`);
}

/** These e-mail addresses but those of deactivated users (compared case-insensitively). */
export async function withoutDeactivatedUsers(db: Db, addresses: readonly string[]): Promise<string[]> {
  const deactivated = await db.user.findMany({
    where: {
      email: { in: addresses.map((address) => address.trim().toLowerCase()) },
      deactivatedAt: { not: null },
    },
    select: { email: true },
  });
  const skipped = new Set(deactivated.map((user) => user.email));
  return addresses.filter((address) => !skipped.has(address.trim().toLowerCase()));
}

export function updateUserStanding(db: Db, userId: string, standing: Partial<UserStanding>): Promise<User> {
  return db.user.update({ where: { id: userId }, data: standing });
}

export interface UserFilter {
  limit: number;
  cursor?: KeysetPosition;
  active?: boolean;
  platformAdmin?: boolean;
}

/** A page of users, newest first, optionally only active (or deactivated) ones or admins. */
export function listUsers(db: Db, filter: UserFilter): Promise<User[]> {
  return db.user.findMany({
    where: {
      ...after(filter.cursor),
      ...(filter.active === undefined ? {} : { deactivatedAt: filter.active ? null : { not: null } }),
      ...(filter.platformAdmin === undefined ? {} : { platformAdmin: filter.platformAdmin }),
    },
    orderBy: NEWEST_FIRST,
    take: filter.limit + 1,
  });
}

/** The user's memberships with their tenants' names, by tenant slug. */
export function listMembershipsOfUser(db: Db, userId: string) {
  return db.tenantMembership.findMany({
    where: { userId },
    include: { tenant: { select: { slug: true, displayName: true } } },
    orderBy: { tenant: { slug: 'asc' } },
  });
}
