import type { Request } from 'express';
import type { z } from 'zod';
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
  const result = schema.safeParse(body);
  if (!result.success) throw invalidRequest(fieldErrors(result.error));
  return result.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query);
  if (!result.success) throw invalidRequest(fieldErrors(result.error), 'query');
  return result.data;
}

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
