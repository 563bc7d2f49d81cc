import { type GraphCall, type ServeContext, serveCall } from './graphApi';
import { graphError, newRequestIds, stampRequestIds } from './graphErrors';
import type { Reply } from './httpUtil';

// JSON batching (`POST /{version}/$batch`): up to 20 requests, each answered on its own (faults
// included), like Graph; the envelope answers 200 even when every sub-request fails.

export const MAX_BATCH_REQUESTS = 20;

interface BatchRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A POST's body: JSON in a batch, as an object (Graph's JSON batching). */
  body?: unknown;
}

function parseBatch(text: string): BatchRequest[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'Invalid batch payload format.';
  }
  const requests = (parsed as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) return 'Invalid batch payload format.';
  if (requests.length > MAX_BATCH_REQUESTS) {
    return `Number of requests in a batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`;
  }
  const ids = new Set<string>();
  const out: BatchRequest[] = [];
  for (const request of requests as { id?: unknown; method?: unknown; url?: unknown }[]) {
    // Graph takes numbers as ids (the SDKs send strings) and answers with the string.
    const id = typeof request?.id === 'number' ? String(request.id) : request?.id;
    if (typeof id !== 'string' || id === '') return 'Each request in a batch needs a unique id.';
    // Ids differing only in case collide on Graph (microsoft-graph-docs #4449, msgraph-sdk-javascript #433).
    if (ids.has(id.toLowerCase())) return `Request Id ${id} has to be unique in a batch.`;
    if (typeof request.method !== 'string' || typeof request.url !== 'string') {
      return `Request '${id}' needs a method and a url.`;
    }
    ids.add(id.toLowerCase());
    out.push({ ...(request as BatchRequest), id });
  }
  return out;
}

export function handleBatch(text: string, batchUrl: URL, version: 'v1.0' | 'beta', ctx: ServeContext): Reply {
  const requests = parseBatch(text);
  if (typeof requests === 'string') {
    // A refused envelope is still a response the tenant's app got.
    ctx.store.recordResponse(ctx.tenant, 400);
    return graphError(400, 'BadRequest', requests);
  }
  const responses = requests.map((request) => {
    const ids = newRequestIds(request.headers?.['client-request-id']);
    const reply = stampRequestIds(serveSub(request, batchUrl, version, ctx), ids);
    ctx.store.recordResponse(ctx.tenant, reply.status);
    return {
      id: request.id,
      status: reply.status,
      // Graph's spelling: Microsoft's SDKs (BatchResponseContent) look for "Content-Type" exactly.
      headers: {
        'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8',
        ...reply.headers,
      },
      body: reply.body,
    };
  });
  return { status: 200, body: { responses } };
}

function serveSub(request: BatchRequest, batchUrl: URL, version: 'v1.0' | 'beta', ctx: ServeContext): Reply {
  // Sub-request URLs are relative to the batch's version: "/deviceManagement/...?$top=5".
  if (/^[a-z]+:\/\//i.test(request.url)) {
    return graphError(400, 'BadRequest', 'Batch request urls must be relative to the version.');
  }
  // Microsoft's Graph SDKs send the version too ("/v1.0/me": BatchRequestContent strips only the
  // scheme and host), and Graph accepts it when it is the batch's own version.
  const relative = request.url.replace(/^\/+/, '');
  const own = `${version}/`;
  const path = relative.toLowerCase().startsWith(own) ? relative.slice(own.length) : relative;
  const url = new URL(`${batchUrl.origin}/${version}/${path}`);
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .slice(1)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
  const call: GraphCall = {
    method: request.method.toUpperCase(),
    url,
    version,
    segments,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  };
  return serveCall(call, ctx);
}
