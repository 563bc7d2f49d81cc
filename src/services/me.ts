// GET /v1/me: who the token belongs to, where they are a member, and the token itself, so a
// user who holds only a token can find their own user id and what it lets them do.
import type { Db } from '../db/client';
import { findApiToken, type Principal } from '../db/tokens';
import { findUser, listMembershipsOfUser } from '../db/users';
import { NotFoundError } from './errors';

export async function describeCaller(db: Db, principal: Principal) {
  const [user, memberships, token] = await Promise.all([
    findUser(db, principal.userId),
    listMembershipsOfUser(db, principal.userId),
    findApiToken(db, principal.tokenId),
  ]);
  // The bearer check found both a moment ago; gone now only if deleted in between.
  if (!user || !token) throw new NotFoundError('user');
  return { user, memberships, token };
}
