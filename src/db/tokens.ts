import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DbClient as Db } from './client';
import { after, type KeysetPosition, NEWEST_FIRST } from './paging';

// A token reads `tv_<prefix>_<secret>`: the prefix finds the row by index, and only the
// SHA-256 of the whole token is stored, so a database leak does not leak usable tokens.
const TOKEN_PATTERN = /^tv_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface Principal {
  userId: string;
  tokenId: string;
  platformAdmin: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export interface IssuedToken {
  id: string;
  name: string;
  /** The token itself: shown once, never stored. */
  token: string;
  expiresAt: Date | null;
  createdAt: Date;
}

export async function issueApiToken(
  db: Db,
  input: { userId: string; name: string; expiresAt?: Date },
): Promise<IssuedToken> {
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const token = `tv_${prefix}_${randomBytes(32).toString('base64url')}`;
  const row = await db.apiToken.create({
    data: {
      userId: input.userId,
      name: input.name,
      prefix,
      tokenHash: sha256(token).toString('hex'),
      expiresAt: input.expiresAt,
    },
  });
  return { id: row.id, name: row.name, token, expiresAt: row.expiresAt, createdAt: row.createdAt };
}

/** Revokes the user's token (the first revocation time stays); false if the user has no such token. */
export async function revokeApiToken(
  db: Db,
  userId: string,
  tokenId: string,
  now = new Date(),
): Promise<boolean> {
  await db.apiToken.updateMany({ where: { id: tokenId, userId, revokedAt: null }, data: { revokedAt: now } });
  return (await db.apiToken.count({ where: { id: tokenId, userId } })) > 0;
}

const active = (now: Date) => ({ revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });

/** How many of the user's tokens still work (neither revoked nor expired). */
export function countActiveApiTokens(db: Db, userId: string, now = new Date()): Promise<number> {
  return db.apiToken.count({ where: { userId, ...active(now) } });
}

/** Revokes every token of the user that still works, but `exceptTokenId`; returns how many. */
export async function revokeActiveApiTokens(
  db: Db,
  userId: string,
  exceptTokenId: string | undefined,
  now = new Date(),
): Promise<number> {
  const { count } = await db.apiToken.updateMany({
    where: { userId, ...active(now), ...(exceptTokenId ? { id: { not: exceptTokenId } } : {}) },
    data: { revokedAt: now },
  });
  return count;
}

/** A page of the user's tokens, newest first (hashes are never read out). */
export function listApiTokens(db: Db, userId: string, page: { limit: number; cursor?: KeysetPosition }) {
  return db.apiToken.findMany({
    where: { userId, ...after(page.cursor) },
    orderBy: NEWEST_FIRST,
    take: page.limit + 1,
    omit: { tokenHash: true },
  });
}

/** The token's principal, or null for a malformed, unknown, revoked or expired token or a deactivated user. */
export async function authenticateApiToken(
  db: Db,
  token: string,
  now = new Date(),
): Promise<Principal | null> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const row = await db.apiToken.findUnique({ where: { prefix: match[1] }, include: { user: true } });
  if (!row) return null;
  const expected = Buffer.from(row.tokenHash, 'hex');
  const actual = sha256(token);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  // Read with the token on every request (nothing caches it): deactivation takes effect at once.
  if (row.user.deactivatedAt) return null;
  return { userId: row.userId, tokenId: row.id, platformAdmin: row.user.platformAdmin };
}

/** Whether the token works at `at` (now unless given): a later time asks whether it still will. */
export async function isApiTokenValid(db: Db, token: string, at = new Date()): Promise<boolean> {
  return (await authenticateApiToken(db, token, at)) !== null;
}

/** One token by id, without its hash (GET /v1/me shows the caller's). */
export function findApiToken(db: Db, tokenId: string) {
  return db.apiToken.findUnique({ where: { id: tokenId }, omit: { tokenHash: true } });
}
