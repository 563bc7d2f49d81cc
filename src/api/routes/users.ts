import { type Request, type Response, Router } from 'express';
import { userActor } from '../../db/audit';
import { createUser, issueToken, listTokens, revokeAllTokens, revokeToken } from '../../services/users';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { encodeCursor, newestFirstPageQuery, page } from '../pagination';
import { apiTokenJson, issuedTokenJson, userJson } from '../serializers';
import { param, parseBody, parseQuery, pathId } from '../validation';
import { changeStanding, listUsersPage, type StandingChangeName } from '../../services/userAdmin';
import { createUserBody, issueTokenBody, usersQuery } from './users.schema';

/** Users and their API tokens (/v1/users); who may call what is in the route table. */
export function usersRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = parseQuery(usersQuery, req.query);
    res.json(page(await listUsersPage(deps.db, query), query.limit, userJson, encodeCursor));
  });

  // Deactivation and the platform admin role: each path is one idempotent change (a repeat
  // answers the user as it is); the service refuses to leave no active platform admin.
  const standing = (name: StandingChangeName) => async (req: Request, res: Response) => {
    const userId = pathId(param(req, 'userId'), 'user');
    const caller = principalOf(res).userId;
    res.json(userJson(await changeStanding(deps.db, userId, name, userActor(caller), caller)));
  };
  router.post('/:userId/deactivate', standing('deactivate'));
  router.post('/:userId/reactivate', standing('reactivate'));
  router.put('/:userId/platform-admin', standing('grantPlatformAdmin'));
  router.delete('/:userId/platform-admin', standing('removePlatformAdmin'));

  router.post('/', async (req, res) => {
    const body = parseBody(createUserBody, req.body);
    const user = await createUser(deps.db, body, userActor(principalOf(res).userId));
    res.status(201).json(userJson(user));
  });

  router.get('/:userId/tokens', async (req, res) => {
    const query = parseQuery(newestFirstPageQuery, req.query);
    const tokens = await listTokens(deps.db, pathId(param(req, 'userId'), 'user'), query);
    res.json(page(tokens, query.limit, apiTokenJson, encodeCursor));
  });

  router.post('/:userId/tokens', async (req, res) => {
    const userId = pathId(param(req, 'userId'), 'user');
    const body = parseBody(issueTokenBody, req.body);
    const actor = userActor(principalOf(res).userId);
    const issued = await issueToken(deps.db, userId, body, actor, deps.tokenPolicy);
    // The token is in this answer only: no cache on the way may keep a copy.
    res.status(201).set('Cache-Control', 'no-store').json(issuedTokenJson(issued));
  });

  // Revokes the user's tokens; users revoking their own keep the token they call with, so
  // "revoke all my other tokens" does not lock them out (a platform admin revokes every one).
  router.delete('/:userId/tokens', async (req, res) => {
    const userId = pathId(param(req, 'userId'), 'user');
    const caller = principalOf(res);
    const keep = caller.userId === userId ? caller.tokenId : undefined;
    const { revoked } = await revokeAllTokens(deps.db, userId, keep, userActor(caller.userId));
    res.json({ revoked, keptTokenId: keep ?? null });
  });

  router.delete('/:userId/tokens/:tokenId', async (req, res) => {
    await revokeToken(
      deps.db,
      pathId(param(req, 'userId'), 'user'),
      pathId(param(req, 'tokenId'), 'API token'),
      userActor(principalOf(res).userId),
    );
    res.status(204).end();
  });

  return router;
}
