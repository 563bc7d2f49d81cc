// Authentication: who the caller is, from the bearer token. ./authorize.ts calls it for every
// route of the route table that is not public, and decides what the caller may do.
import type { Request, Response } from 'express';
import type { Db } from '../db/client';
import { authenticateApiToken, type Principal } from '../db/tokens';
import { unauthorized } from './problem';

/** The principal of the request's `Authorization: Bearer` token; 401 when there is no valid one. */
export async function authenticate(db: Db, req: Request, res: Response): Promise<Principal> {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="tenantvault"');
    throw unauthorized('send an API token as `Authorization: Bearer <token>`');
  }
  const principal = await authenticateApiToken(db, match[1]);
  if (!principal) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="tenantvault", error="invalid_token"');
    throw unauthorized('the API token is invalid, expired or revoked, or its user is deactivated');
  }
  return principal;
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw unauthorized('not authenticated');
  return principal;
}
