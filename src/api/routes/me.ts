import { Router } from 'express';
import { describeCaller } from '../../services/me';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { userJson } from '../serializers';

type Caller = Awaited<ReturnType<typeof describeCaller>>;

/** The caller as GET /v1/me shows them; mirrored by ../openapi/userResponses.ts. */
function meJson({ user, memberships, token }: Caller) {
  return {
    user: userJson(user),
    memberships: memberships.map((membership) => ({
      tenantId: membership.tenantId,
      slug: membership.tenant.slug,
      displayName: membership.tenant.displayName,
      role: membership.role,
    })),
    token: { id: token.id, name: token.name, prefix: token.prefix, expiresAt: token.expiresAt },
  };
}

/** The token's user (/v1/me; /v1/me/notifications has its own router). */
export function meRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json(meJson(await describeCaller(deps.db, principalOf(res))));
  });
  return router;
}
