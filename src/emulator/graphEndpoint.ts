import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleBatch } from './batch';
import { serveCall } from './graphApi';
import { graphError, newRequestIds, stampRequestIds } from './graphErrors';
import { GRAPH_WRITE_MAX_BYTES, type Reply, readBody } from './httpUtil';
import type { EmulatorTenant, TenantStore } from './tenantStore';

// The Graph side of the server: bearer token, latency, then one call or a $batch of them.
// The tenant comes from the token, as on Graph.

export interface GraphRequest {
  req: IncomingMessage;
  url: URL;
  version: 'v1.0' | 'beta';
  segments: string[];
  store: TenantStore;
  defaultPageSize: number;
}

export async function handleGraphRequest(request: GraphRequest): Promise<Reply> {
  const ids = newRequestIds(request.req.headers['client-request-id']?.toString());
  const auth = authenticate(request);
  if ('reply' in auth) {
    if (auth.tenant) request.store.recordResponse(auth.tenant, auth.reply.status);
    return stampRequestIds(auth.reply, ids);
  }
  const { tenant } = auth;
  request.store.countGraphRequest(tenant.azureTenantId);
  if (tenant.faults.latencyMs) await sleep(tenant.faults.latencyMs);

  const ctx = { store: request.store, tenant, defaultPageSize: request.defaultPageSize };
  if (request.segments.length === 1 && request.segments[0] === '$batch') {
    if (request.req.method !== 'POST')
      return stampRequestIds(graphError(405, 'MethodNotAllowed', 'Use POST for $batch.'), ids);
    // The envelope is not counted as a request of its own: Graph throttles per sub-request.
    const reply = handleBatch(
      await readBody(request.req, GRAPH_WRITE_MAX_BYTES),
      request.url,
      request.version,
      ctx,
    );
    return stampRequestIds(reply, ids);
  }
  const method = request.req.method ?? 'GET';
  const reply = serveCall(
    {
      method,
      url: request.url,
      version: request.version,
      segments: request.segments,
      ...(['POST', 'PATCH', 'PUT'].includes(method)
        ? { body: await readBody(request.req, GRAPH_WRITE_MAX_BYTES) }
        : {}),
    },
    ctx,
  );
  request.store.recordResponse(tenant, reply.status);
  return stampRequestIds(reply, ids);
}

function authenticate(
  request: GraphRequest,
): { tenant: EmulatorTenant } | { reply: Reply; tenant?: EmulatorTenant } {
  const match = /^Bearer\s+(\S+)$/i.exec(request.req.headers.authorization ?? '');
  if (match?.[1] === undefined) {
    return { reply: graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.') };
  }
  const check = request.store.checkToken(match[1]);
  if (check.ok) return { tenant: check.tenant };
  const message =
    check.reason === 'expired'
      ? 'Lifetime validation failed, the token is expired.'
      : 'Access token validation failure. Invalid or expired token.';
  return {
    reply: graphError(401, 'InvalidAuthenticationToken', message, {
      'www-authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
    }),
    ...(check.tenant ? { tenant: check.tenant } : {}),
  };
}
