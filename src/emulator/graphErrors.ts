import { randomUUID } from 'node:crypto';
import type { Reply } from './httpUtil';

/**
 * Graph's error envelope. The request ids in `innerError` are placeholders until the dispatcher
 * stamps the response's real ids (see `stampRequestIds`), so every error carries the same ids
 * as its `request-id` header, as on Graph.
 */
export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  const innerError = {
    date: new Date().toISOString().replace(/\.\d+Z$/, ''),
    'request-id': '',
    'client-request-id': '',
  };
  return { status, body: { error: { code, message, innerError } }, headers };
}

export function notFound(segments: readonly string[]): Reply {
  return graphError(
    404,
    'ResourceNotFound',
    `Resource not found for the segment '${segments.at(-1) ?? ''}'.`,
  );
}

export interface RequestIds {
  'request-id': string;
  'client-request-id': string;
}

export function newRequestIds(clientRequestId: string | undefined): RequestIds {
  const requestId = randomUUID();
  return { 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId };
}

/** Adds the ids as headers and, for errors, into `innerError`. */
export function stampRequestIds(reply: Reply, ids: RequestIds): Reply {
  const body = reply.body as { error?: { innerError?: Record<string, unknown> } } | undefined;
  if (body?.error?.innerError) Object.assign(body.error.innerError, ids);
  return { ...reply, headers: { ...ids, ...reply.headers } };
}
