// Bearer-token authentication for every /v1 route. Roles per tenant come with the security
// issue; until then every valid token acts as its user, and tenant creation needs a
// platform admin.
import type { RequestHandler, Response } from 'express';
import type { Db } from '../db/client';
import { authenticateApiToken, type Principal } from '../db/tokens';
import { forbidden, unauthorized } from './problem';

export function requireBearerToken(db: Db): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="tenantvault"');
      throw unauthorized('send an API token as `Authorization: Bearer <token>`');
    }
    const principal = await authenticateApiToken(db, match[1]);
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="tenantvault", error="invalid_token"');
      throw unauthorized('the API token is invalid, expired or revoked');
    }
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw unauthorized('not authenticated');
  return principal;
}

export function requirePlatformAdmin(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal.platformAdmin) throw forbidden('only a platform admin may do this');
  return principal;
}
