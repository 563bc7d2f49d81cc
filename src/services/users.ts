// Users and their API tokens. The API, the admin command line and the dev seed all go through
// these, so a user or token made by any of them is made the same way and audited the same way.
import { type AuditActor, appendAudit } from '../db/audit';
import { type Db, Prisma, type User } from '../db/client';
import type { KeysetPosition } from '../db/paging';
import { type IssuedToken, issueApiToken, listApiTokens, revokeApiToken } from '../db/tokens';
import { findUser, findUserByEmail, insertUser, type UserInput } from '../db/users';
import { ConflictError, NotFoundError } from './errors';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Emails compare case-insensitively: stored trimmed and in lower case. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function createUser(db: Db, input: UserInput, actor: AuditActor): Promise<User> {
  try {
    return await db.$transaction(async (tx) => {
      const user = await insertUser(tx, { ...input, email: normalizeEmail(input.email) });
      await appendAudit(tx, {
        tenantId: null,
        actor,
        action: 'user.created',
        resourceType: 'user',
        resourceId: user.id,
        metadata: { platformAdmin: user.platformAdmin },
      });
      return user;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw new ConflictError('a user with this email already exists', 'user_email_taken', 'email');
    throw error;
  }
}

export async function getUserByEmail(db: Db, email: string): Promise<User> {
  const user = await findUserByEmail(db, normalizeEmail(email));
  if (!user) throw new NotFoundError('user');
  return user;
}

/** A new token for the user, returned once: only its hash is stored. */
export async function issueToken(
  db: Db,
  userId: string,
  input: { name: string; expiresInDays?: number },
  actor: AuditActor,
  now = new Date(),
): Promise<IssuedToken> {
  if (!(await findUser(db, userId))) throw new NotFoundError('user');
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : undefined;
  return db.$transaction(async (tx) => {
    const issued = await issueApiToken(tx, { userId, name: input.name, ...(expiresAt ? { expiresAt } : {}) });
    await appendAudit(tx, {
      tenantId: null,
      actor,
      action: 'api_token.issued',
      resourceType: 'api_token',
      resourceId: issued.id,
      metadata: { userId, expiresAt: issued.expiresAt?.toISOString() ?? null },
    });
    return issued;
  });
}

/** The user's tokens (to find and revoke one that leaked), never their secrets or hashes. */
export async function listTokens(db: Db, userId: string, page: { limit: number; cursor?: KeysetPosition }) {
  if (!(await findUser(db, userId))) throw new NotFoundError('user');
  return listApiTokens(db, userId, page);
}

/** Revokes one of the user's tokens; a second revocation keeps the time of the first. */
export async function revokeToken(db: Db, userId: string, tokenId: string, actor: AuditActor): Promise<void> {
  await db.$transaction(async (tx) => {
    if (!(await revokeApiToken(tx, userId, tokenId))) throw new NotFoundError('API token');
    await appendAudit(tx, {
      tenantId: null,
      actor,
      action: 'api_token.revoked',
      resourceType: 'api_token',
      resourceId: tokenId,
      metadata: { userId },
    });
  });
}
