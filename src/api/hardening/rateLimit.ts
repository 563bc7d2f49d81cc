// A per-token request budget: one API token cannot starve the others, and a leaked token
// cannot be used to hammer the database. Counted per process (express-rate-limit's memory
// store): with N replicas behind a load balancer a token gets up to N times the budget, which
// bounds abuse well enough without a shared store to run.
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { principalOf } from '../auth';
import { ProblemError } from '../problem';

export function perTokenRateLimit(requestsPerMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Run by the authorization right after authentication (authorize.ts), so refused requests
    // (403, 404) count too; public routes (health, metrics, docs) have no token and are not run.
    keyGenerator: (_req, res) => principalOf(res).tokenId,
    handler: (_req, _res, next, options) => {
      // express-rate-limit has set Retry-After (seconds until the window resets).
      next(
        new ProblemError(
          options.statusCode,
          'rate_limited',
          'Too Many Requests',
          `this token may make ${requestsPerMinute} requests a minute; retry after the Retry-After seconds`,
        ),
      );
    },
  });
}
