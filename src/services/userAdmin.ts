// What platform admins do to users: list them, deactivate and reactivate them, grant and remove
// the platform admin role. The API and the admin command line both call these, so a change
// made by either is checked, serialized and audited the same way.
//
// Deactivation suspends: the user's tokens are refused at their next request (the bearer check
// reads the user with the token every time), while their memberships and tokens are kept, so
// reactivation gives back exactly what they had. To cut a departed user off for good, revoke
// their tokens too (DELETE /v1/users/{userId}/tokens).
import { z } from 'zod';
import { type AuditActor, appendAudit } from '../db/audit';
import type { Db, User } from '../db/client';
import {
  countActivePlatformAdmins,
  findUser,
  findUserByEmail,
  listUsers,
  lockPlatformAdmins,
  type UserFilter,
  type UserStanding,
  updateUserStanding,
} from '../db/users';
import { ConflictError, NotFoundError } from './errors';
import { normalizeEmail } from './users';

interface StandingChange {
  action: string;
  /** The change, or null when the user already stands so (a repeat: no write, no audit row). */
  apply(user: User, by: string | null, now: Date): Partial<UserStanding> | null;
  /** Whether a caller may do it to themself (the API's admins; the command line has no self). */
  toSelf: boolean;
}

// The four changes, as data: each is idempotent, and any of them that leaves no active platform
// admin is refused (checked once, in changeStanding, whichever change it is).
export const STANDING_CHANGES = {
  deactivate: {
    action: 'user.deactivated',
    apply: (user, by, now) => (user.deactivatedAt ? null : { deactivatedAt: now, deactivatedBy: by }),
    // An admin would lock themself out; another admin (or the command line) must do it.
    toSelf: false,
  },
  reactivate: {
    action: 'user.reactivated',
    apply: (user) => (user.deactivatedAt ? { deactivatedAt: null, deactivatedBy: null } : null),
    toSelf: true,
  },
  grantPlatformAdmin: {
    action: 'user.platform_admin_granted',
    apply: (user) => (user.platformAdmin ? null : { platformAdmin: true }),
    toSelf: true,
  },
  removePlatformAdmin: {
    action: 'user.platform_admin_removed',
    apply: (user) => (user.platformAdmin ? { platformAdmin: false } : null),
    toSelf: false,
  },
} as const satisfies Record<string, StandingChange>;

export type StandingChangeName = keyof typeof STANDING_CHANGES;

const isActiveAdmin = (user: UserStanding) => user.platformAdmin && user.deactivatedAt === null;

/**
 * Applies the change to the user and audits it; a repeat changes and audits nothing. `caller` is
 * the user id of the admin calling through the API (undefined on the command line).
 */
export async function changeStanding(
  db: Db,
  userId: string,
  name: StandingChangeName,
  actor: AuditActor,
  caller?: string,
  now = new Date(),
): Promise<User> {
  const change: StandingChange = STANDING_CHANGES[name];
  if (!change.toSelf && caller === userId)
    throw new ConflictError(
      'you cannot do this to your own account: another platform admin (or the admin command line) must',
      'self_lockout',
    );
  return db.$transaction(async (tx) => {
    await lockPlatformAdmins(tx);
    const user = await findUser(tx, userId);
    if (!user) throw new NotFoundError('user');
    const standing = change.apply(user, caller ?? null, now);
    if (!standing) return user;
    if (isActiveAdmin(user) && !isActiveAdmin({ ...user, ...standing }))
      if ((await countActivePlatformAdmins(tx)) <= 1)
        throw new ConflictError(
          'this is the last active platform admin: grant another user platform admin first',
          'last_platform_admin',
        );
    const updated = await updateUserStanding(tx, userId, standing);
    await appendAudit(tx, {
      tenantId: null,
      actor,
      action: change.action,
      resourceType: 'user',
      resourceId: userId,
      metadata: { platformAdmin: updated.platformAdmin, active: updated.deactivatedAt === null },
    });
    return updated;
  });
}

export function listUsersPage(db: Db, filter: UserFilter): Promise<User[]> {
  return listUsers(db, filter);
}

/** The user a command line argument names: a UUID is tried as an id first, then as an email. */
export async function getUserByIdOrEmail(db: Db, ref: string): Promise<User> {
  const user =
    (z.guid().safeParse(ref).success ? await findUser(db, ref.toLowerCase()) : null) ??
    (await findUserByEmail(db, normalizeEmail(ref)));
  if (!user) throw new NotFoundError('user');
  return user;
}
