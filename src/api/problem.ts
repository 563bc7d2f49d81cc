// RFC 9457 problem details. Every failure the API returns goes through here, so clients can
// rely on one shape: `type`, `title`, `status`, `detail`, a stable `code`, and for validation
// failures `errors[]` naming each field at fault.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { Logger } from '../logging/logger';
import {
  ConflictError,
  DomainError,
  InvalidFieldsError,
  NotFoundError,
  RunInProgressError,
  UnavailableError,
} from '../services/errors';

export interface FieldError {
  /** Dotted path into the request, e.g. `retention.keepLast` or `policyTypes.1`. */
  field: string;
  message: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Members beyond the standard ones (RFC 9457 extensions), e.g. the conflicting `runId`. */
    readonly extensions?: { runId?: string },
  ) {
    super(detail ?? title);
  }
}

export const unauthorized = (detail: string) => new ProblemError(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail: string) => new ProblemError(403, 'forbidden', 'Forbidden', detail);
export const invalidRequest = (errors: FieldError[], where = 'body') =>
  new ProblemError(422, 'validation_failed', 'Validation failed', `the request ${where} is invalid`, errors);

export function sendProblem(res: Response, problem: ProblemError, instance?: string): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: `urn:tenantvault:problem:${problem.code}`,
      title: problem.title,
      status: problem.status,
      code: problem.code,
      ...(problem.detail ? { detail: problem.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...problem.extensions,
    });
}

function toProblem(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof NotFoundError) return new ProblemError(404, 'not_found', 'Not found', error.message);
  if (error instanceof RunInProgressError)
    return new ProblemError(409, error.code, 'Conflict', error.message, undefined, { runId: error.runId });
  if (error instanceof ConflictError) {
    const errors = error.field ? [{ field: error.field, message: error.message }] : undefined;
    return new ProblemError(409, error.code, 'Conflict', error.message, errors);
  }
  if (error instanceof InvalidFieldsError) return invalidRequest(error.errors);
  if (error instanceof UnavailableError)
    return new ProblemError(503, error.code, 'Service unavailable', error.message);
  if (error instanceof DomainError) return new ProblemError(400, error.code, 'Bad request', error.message);
  // body-parser's errors carry a status and a type: malformed JSON, too large, wrong charset.
  const status = (error as { status?: number })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = String((error as { type?: string }).type ?? 'bad_request');
    const detail =
      type === 'entity.parse.failed' ? 'the request body is not valid JSON' : (error as Error).message;
    return new ProblemError(status, type.replace(/\W+/g, '_'), 'Bad request', detail);
  }
  return undefined;
}

/**
 * The request's path without its query string: a client may have put a token or a secret in the
 * query (`?access_token=…`), which must not come back in the answer or go into a log.
 */
const pathOnly = (req: Request) => req.originalUrl.split('?')[0];

/**
 * What a client is told to wait when PostgreSQL is unreachable: a restart takes seconds, a managed
 * failover up to a minute or two; a short wait lets a client see the end of the outage soon.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const path = pathOnly(req);
    const problem = toProblem(error);
    if (problem) return sendProblem(res, problem, path);
    const request = { method: req.method, url: path, requestId: res.locals.requestId };
    // A database outage is no bug: 503 with Retry-After, on every route (authentication reads the
    // database first), logged as a warning.
    if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error, ...request }, 'database unavailable');
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      const detail = 'the database is unavailable; retry after the Retry-After seconds';
      return sendProblem(
        res,
        new ProblemError(503, 'database_unavailable', 'Service unavailable', detail),
        path,
      );
    }
    // Unexpected: log it whole, answer without internals.
    logger.error({ err: error, ...request }, 'unhandled error');
    sendProblem(res, new ProblemError(500, 'internal_error', 'Internal server error'), path);
  };
}

export const notFoundRoute: RequestHandler = (req, res) =>
  sendProblem(
    res,
    new ProblemError(404, 'route_not_found', 'Not found', `no route for ${req.method} ${req.path}`),
  );
