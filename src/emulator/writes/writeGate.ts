import { graphError } from '../graphErrors';
import type { GraphCall, ServeContext } from '../graphApi';
import type { Reply } from '../httpUtil';
import type { EmulatorTenant } from '../tenantStore';
import type { WriteFamily } from './surface';
import { GRAPH_WRITE_LIMITS, type WriteLimit } from './throttle';
import { writableSetOf } from './writeCommon';

// Around every write: Graph's write throttling per family, the tenant's `dropWriteResponses`
// fault (the write is done, its answer lost) and the tenant's write log, which tests read to
// check what reached Graph and when (GraphEmulator.writeLog).

export interface WriteLogEntry {
  /** ISO time the request arrived. */
  time: string;
  method: string;
  /** `/<version>/<path>` with the query. */
  path: string;
  status: number;
  /** The request body as JSON (the raw text if it was not JSON). */
  body?: unknown;
  /** What the write did (`status`) is not what the client got: this, from the fault. */
  dropped?: '503' | '504' | 'reset';
}

function limitOf(tenant: EmulatorTenant, family: WriteFamily): WriteLimit {
  const override = tenant.faults.writeLimits?.[family];
  return override ? { ...GRAPH_WRITE_LIMITS[family], ...override } : GRAPH_WRITE_LIMITS[family];
}

function throttled(retryAfterSeconds: number | undefined): Reply {
  return graphError(
    429,
    'TooManyRequests',
    'Too many requests from this application to this tenant.',
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
  );
}

/** Whether this write's response is dropped, consuming one of the fault's `next` drops. */
function drawDrop(tenant: EmulatorTenant): '503' | '504' | 'reset' | undefined {
  const fault = tenant.faults.dropWriteResponses;
  if (fault === undefined) return undefined;
  const as = fault.as ?? '504';
  if (fault.next !== undefined && fault.next > 0) {
    tenant.faults = { ...tenant.faults, dropWriteResponses: { ...fault, next: fault.next - 1 } };
    return as;
  }
  return fault.rate !== undefined && tenant.faultRng.next() < fault.rate ? as : undefined;
}

function lostResponse(as: '503' | '504' | 'reset'): Reply {
  if (as === '503') return graphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.');
  const timeout = graphError(504, 'GatewayTimeout', 'The gateway did not receive a response in time.');
  // A $batch cannot reset one sub-request's connection: it sees the 504.
  return as === 'reset' ? { ...timeout, dropConnection: true } : timeout;
}

function bodyOf(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Throttles, performs (`perform`), maybe drops the answer, and logs one write. */
export function gateWrite(call: GraphCall, ctx: ServeContext, perform: () => Reply): Reply {
  const { tenant } = ctx;
  const entry: WriteLogEntry = {
    time: new Date().toISOString(),
    method: call.method,
    path: `/${call.version}/${call.segments.join('/')}${call.url.search}`,
    status: 0,
    ...(call.body === undefined ? {} : { body: bodyOf(call.body) }),
  };
  const family = writableSetOf(call.segments, call.version)?.rules.family;
  const limit = family && limitOf(tenant, family);
  const decision =
    family && limit && limit.requests > 0
      ? tenant.writeWindows[family].take(Date.now(), limit)
      : { ok: true };
  let reply: Reply;
  if (!decision.ok) {
    reply = throttled('retryAfterSeconds' in decision ? decision.retryAfterSeconds : undefined);
  } else {
    reply = perform();
    const drop = reply.status < 300 ? drawDrop(tenant) : undefined;
    if (drop) entry.dropped = drop;
    entry.status = reply.status;
    if (drop) reply = lostResponse(drop);
  }
  entry.status ||= reply.status;
  tenant.writeLog.push(entry);
  return reply;
}
