// A per-token request budget: one API token cannot starve the others, and a leaked token
// cannot be used to hammer the database. Counted per process (express-rate-limit's memory
// store): with N replicas behind a load balancer a token gets up to N times the budget, which
// bounds abuse well enough without a shared store to run.
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { principalOf } from '../auth';
import { ProblemError, sendProblem } from '../problem';

export function perTokenRateLimit(requestsPerMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Mounted after authentication: public routes (health, metrics, docs) have no token and
    // are not counted; every other request here has one.
    skip: (_req, res) => !res.locals.principal,
    keyGenerator: (_req, res) => principalOf(res).tokenId,
    handler: (req, res, _next, options) => {
      // express-rate-limit has set Retry-After (seconds until the window resets).
      sendProblem(
        res,
        new ProblemError(
          options.statusCode,
          'rate_limited',
          'Too Many Requests',
          `this token may make ${requestsPerMinute} requests a minute; retry after the Retry-After seconds`,
        ),
        req.originalUrl,
      );
    },
  });
}
