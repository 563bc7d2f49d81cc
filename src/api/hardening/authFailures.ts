// Failed authentication, throttled per client address: a client that keeps sending missing,
// unknown, expired or revoked tokens (guessing, or a forgotten script with a dead token) is
// refused before the token is looked up, so it cannot cost a database query per attempt.
// Requests that authenticate do not count. Once an address is over the limit every request from
// it that needs a token gets 429 until the window ends, valid tokens included: answering a valid
// token would tell a guesser which guess was right. Counted per API process, like the per-user
// limit. The client address is the socket's peer unless API_TRUST_PROXY names the proxies in front.
import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { ProblemError } from '../problem';

export interface AuthFailureLimit {
  /** Failed authentications per window and address (API_AUTH_FAILURE_LIMIT). */
  limit: number;
  windowSeconds: number;
}

export interface AuthFailureThrottle {
  /** 429 with Retry-After when the request's address has used up its failures. */
  refuseIfOverLimit(req: Request, res: Response): Promise<void>;
  /** Counts a failed authentication of the request's address (429 once it is over the limit). */
  countFailure(req: Request, res: Response): Promise<void>;
}

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { limit: 30, windowSeconds: 300 };

export function authFailureThrottle({ limit, windowSeconds }: AuthFailureLimit): AuthFailureThrottle {
  // IPv6 clients are counted by /56 network: one host usually holds many addresses of it.
  const key = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
  const limiter = rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'auth-failures',
    keyGenerator: key,
    handler: (_req, _res, next, options) => {
      // express-rate-limit has set Retry-After (seconds until the window resets).
      next(
        new ProblemError(
          options.statusCode,
          'auth_rate_limited',
          'Too Many Requests',
          'too many requests with a missing or invalid token from this address; retry after the Retry-After seconds',
        ),
      );
    },
  });
  // The limiter counts each request it runs for: it runs only for failures, and for a request
  // of an address already over the limit (which it then refuses).
  const count = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) =>
      limiter(req, res, (error?: unknown) => (error ? reject(error) : resolve())),
    );
  return {
    async refuseIfOverLimit(req, res) {
      const used = (await limiter.getKey(key(req)))?.totalHits ?? 0;
      if (used >= limit) await count(req, res);
    },
    countFailure: count,
  };
}
