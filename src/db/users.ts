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
