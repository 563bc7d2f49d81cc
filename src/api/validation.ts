import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { isJsonObject } from '../shared/crossFieldRules';
import { type FieldError, invalidRequest, ProblemError } from './problem';

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

/**
 * One entry per field at fault. zod reports all unknown keys of an object as one issue on the
 * object itself; split it so that each unknown field is named by its own path.
 */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), message: 'unknown field' }))
      : [{ field: fieldPath(issue.path), message: issue.message }],
  );
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined) throw invalidRequest([{ field: '(root)', message: 'a JSON body is required' }]);
  // The parser takes any JSON (`[]`, `"x"`, `3`, `null`), so that this can say what is wrong.
  if (!isJsonObject(body))
    throw invalidRequest([{ field: '(root)', message: 'the body must be a JSON object' }]);
  const result = schema.safeParse(body);
  if (!result.success) throw invalidRequest(fieldErrors(result.error));
  return result.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query);
  if (!result.success) throw invalidRequest(fieldErrors(result.error), 'query');
  return result.data;
}

/** The one body type the API takes. */
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * A body of another type would pass the JSON parser unread and meet the route as no body at all,
 * answered by field errors; 415 says what is wrong. (`req.is` is null when there is no body.)
 */
export const refuseNonJsonBodies: RequestHandler = (req, _res, next) => {
  // fetch and many clients send `Content-Length: 0` on a POST without a body: that is no body.
  if (req.get('content-length') === '0' || req.is(JSON_CONTENT_TYPE) !== false) return next();
  const sent = req.get('content-type') ?? 'none';
  throw new ProblemError(
    415,
    'unsupported_media_type',
    'Unsupported media type',
    `the body must be ${JSON_CONTENT_TYPE}, not ${sent.split(';')[0]?.trim().slice(0, 100)}`,
  );
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID cannot name anything: 404, like an unknown one. */
export function pathId(value: string | undefined, resource: string): string {
  if (!value || !UUID.test(value))
    throw new ProblemError(404, 'not_found', 'Not found', `${resource} not found`);
  return value.toLowerCase();
}

/** A path parameter, including those merged from a parent router (`:tenantId`). */
export function param(req: Request, name: string): string | undefined {
  return (req.params as Record<string, string | undefined>)[name];
}
