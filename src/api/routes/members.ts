import { Router } from 'express';
import { userActor } from '../../db/audit';
import { addMember, changeMemberRole, listMembers, removeMembership } from '../../services/memberships';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { page, pageQuery } from '../pagination';
import { memberJson } from '../serializers';
import { param, parseBody, parseQuery, pathId } from '../validation';
import { addMemberBody, memberBody } from './users.schema';

/** A tenant's members and their roles (/v1/tenants/:tenantId/members). */
export function membersRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const query = parseQuery(pageQuery, req.query);
    const rows = await listMembers(deps.db, pathId(param(req, 'tenantId'), 'tenant'), query);
    // The cursor is the user id: a member is one user of the tenant.
    res.json(
      page(
        rows.map((row) => ({ ...row, id: row.userId })),
        query.limit,
        memberJson,
      ),
    );
  });

  router.post('/', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const body = parseBody(addMemberBody, req.body);
    const caller = principalOf(res);
    const member = await addMember(deps.db, tenantId, body, caller, userActor(caller.userId));
    res.status(201).location(`/v1/tenants/${tenantId}/members/${member.userId}`).json(memberJson(member));
  });

  router.put('/:userId', async (req, res) => {
    const tenantId = pathId(param(req, 'tenantId'), 'tenant');
    const userId = pathId(param(req, 'userId'), 'member');
    const { role } = parseBody(memberBody, req.body);
    res.json(
      memberJson(await changeMemberRole(deps.db, tenantId, userId, role, userActor(principalOf(res).userId))),
    );
  });

  router.delete('/:userId', async (req, res) => {
    await removeMembership(
      deps.db,
      pathId(param(req, 'tenantId'), 'tenant'),
      pathId(param(req, 'userId'), 'member'),
      userActor(principalOf(res).userId),
    );
    res.status(204).end();
  });

  return router;
}
