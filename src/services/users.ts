// Users and their API tokens. The API, the admin command line and the dev seed all go through
// these, so a user or token made by any of them is made the same way and audited the same way.
import { type AuditActor, appendAudit } from '../db/audit';
import { type Db, Prisma, type User } from '../db/client';
import type { KeysetPosition } from '../db/paging';
import {
  countActiveApiTokens,
  type IssuedToken,
  issueApiToken,
  listApiTokens,
  revokeActiveApiTokens,
  revokeApiToken,
} from '../db/tokens';
import { findUser, findUserByEmail, insertUser, lockUser, type UserInput } from '../db/users';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Every token expires, and a user holds only so many that work: a token nobody remembers is a
 * credential nobody rotates, and unlimited tokens would multiply a user's request budget.
 */
export interface TokenPolicy {
  /** The longest lifetime, and the lifetime of a token issued without one (API_TOKEN_MAX_LIFETIME_DAYS). */
  maxLifetimeDays: number;
  /** Tokens neither revoked nor expired one user may hold (API_MAX_TOKENS_PER_USER). */
  maxActivePerUser: number;
}

/** The policy of the configuration's defaults (src/config/env.ts). */
export const DEFAULT_TOKEN_POLICY: TokenPolicy = Object.freeze({ maxLifetimeDays: 90, maxActivePerUser: 20 });

export function tokenPolicyOf(config: {
  API_TOKEN_MAX_LIFETIME_DAYS: number;
  API_MAX_TOKENS_PER_USER: number;
}): TokenPolicy {
  return {
    maxLifetimeDays: config.API_TOKEN_MAX_LIFETIME_DAYS,
    maxActivePerUser: config.API_MAX_TOKENS_PER_USER,
  };
}

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

/**
 * A new token for the user, returned once: only its hash is stored. It expires after
 * `expiresInDays`, at most the policy's maximum, which is also the lifetime when none is given;
 * a user who already holds the policy's number of working tokens must revoke one first.
 */
export async function issueToken(
  db: Db,
  userId: string,
  input: { name: string; expiresInDays?: number },
  actor: AuditActor,
  policy: TokenPolicy = DEFAULT_TOKEN_POLICY,
  now = new Date(),
): Promise<IssuedToken> {
  const days = input.expiresInDays ?? policy.maxLifetimeDays;
  if (days > policy.maxLifetimeDays)
    throw new InvalidInputError(
      'expiresInDays',
      `at most ${policy.maxLifetimeDays} days: every token expires within that; issue a new one before`,
    );
  const expiresAt = new Date(now.getTime() + days * DAY_MS);
  return db.$transaction(async (tx) => {
    if (!(await lockUser(tx, userId))) throw new NotFoundError('user');
    if ((await countActiveApiTokens(tx, userId, now)) >= policy.maxActivePerUser)
      throw new ConflictError(
        `this user holds ${policy.maxActivePerUser} working tokens, the most allowed: revoke one first`,
        'token_limit_reached',
      );
    const issued = await issueApiToken(tx, { userId, name: input.name, expiresAt });
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

/**
 * Revokes every working token of the user but `keepTokenId` (the caller's own token when users
 * revoke their other tokens); returns how many it revoked, which the audit row records.
 */
export async function revokeAllTokens(
  db: Db,
  userId: string,
  keepTokenId: string | undefined,
  actor: AuditActor,
): Promise<{ revoked: number }> {
  return db.$transaction(async (tx) => {
    if (!(await lockUser(tx, userId))) throw new NotFoundError('user');
    const revoked = await revokeActiveApiTokens(tx, userId, keepTokenId);
    await appendAudit(tx, {
      tenantId: null,
      actor,
      action: 'api_token.revoked_all',
      resourceType: 'user',
      resourceId: userId,
      metadata: { userId, count: revoked, keptTokenId: keepTokenId ?? null },
    });
    return { revoked };
  });
}
