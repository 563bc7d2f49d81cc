import { Router } from 'express';
import { userActor } from '../../db/audit';
import { createUser, issueToken, listTokens, revokeToken } from '../../services/users';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { encodeCursor, newestFirstPageQuery, page } from '../pagination';
import { apiTokenJson, issuedTokenJson, userJson } from '../serializers';
import { param, parseBody, parseQuery, pathId } from '../validation';
import { createUserBody, issueTokenBody } from './users.schema';

/** Users and their API tokens (/v1/users); who may call what is in the route table. */
export function usersRouter(deps: ApiDeps): Router {
  const router = Router();

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
    const issued = await issueToken(deps.db, userId, body, userActor(principalOf(res).userId));
    res.status(201).json(issuedTokenJson(issued));
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
