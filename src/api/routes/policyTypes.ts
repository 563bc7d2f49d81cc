import { Router } from 'express';
import { POLICY_TYPE_KEYS, POLICY_TYPES } from '../../graph';

/** The registry as API clients see it: which keys a schedule may list, and what each needs. */
export function policyTypesRouter(): Router {
  const router = Router();
  const items = POLICY_TYPE_KEYS.map((key) => ({
    key,
    displayName: POLICY_TYPES[key].displayName,
    permission: POLICY_TYPES[key].permission,
  }));
  router.get('/', (_req, res) => {
    res.json({ items });
  });
  return router;
}
