// A per-user request budget, shared by all of the user's tokens: one user cannot starve the
// others, a leaked token cannot be used to hammer the database, and issuing more tokens buys no
// more requests. Counted per process (express-rate-limit's memory store): with N replicas behind
// a load balancer a user gets up to N times the budget, which bounds abuse well enough without a
// shared store to run.
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { principalOf } from '../auth';
import { ProblemError } from '../problem';

export function perUserRateLimit(requestsPerMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Run by the authorization right after authentication (authorize.ts), so refused requests
    // (403, 404) count too; public routes (health, metrics, docs) have no token and are not run.
    keyGenerator: (_req, res) => principalOf(res).userId,
    handler: (_req, _res, next, options) => {
      // express-rate-limit has set Retry-After (seconds until the window resets).
      next(
        new ProblemError(
          options.statusCode,
          'rate_limited',
          'Too Many Requests',
          `this user's tokens may make ${requestsPerMinute} requests a minute together; retry after the Retry-After seconds`,
        ),
      );
    },
  });
}
