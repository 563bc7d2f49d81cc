import type { DbClient as Db, User } from './client';

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
