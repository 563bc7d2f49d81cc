import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PolicyTypeKey } from '../graph/policyTypes';
import type { Reply } from './httpUtil';
import type { TenantStore } from './tenantStore';
import type { EmulatorPolicy, EmulatorTenantSeed, GraphJson } from './types';

type RelatedList = 'settings' | 'assignments' | 'scheduledActionsForRule';

interface EmulatedCollection {
  type: PolicyTypeKey;
  segments: readonly [string, string];
  versions: readonly string[];
  /** Lists served as `/{id}/<name>` and, like Graph, inline only when `$expand`ed. */
  related: readonly RelatedList[];
}

// Written from Graph's documented URL layout, deliberately not derived from src/graph's registry:
// a wrong path there must fail against the emulator instead of being mirrored by it.
const COLLECTIONS: readonly EmulatedCollection[] = [
  {
    type: 'deviceConfiguration',
    segments: ['deviceManagement', 'deviceConfigurations'],
    versions: ['v1.0', 'beta'],
    related: ['assignments'],
  },
  {
    type: 'settingsCatalog',
    segments: ['deviceManagement', 'configurationPolicies'],
    versions: ['beta'],
    related: ['settings', 'assignments'],
  },
  {
    type: 'compliance',
    segments: ['deviceManagement', 'deviceCompliancePolicies'],
    versions: ['v1.0', 'beta'],
    related: ['scheduledActionsForRule', 'assignments'],
  },
];

const MAX_TOP = 999;

export interface GraphRequestContext {
  req: IncomingMessage;
  url: URL;
  baseUrl: string;
  version: 'v1.0' | 'beta';
  /** Path segments after the version. */
  segments: string[];
  store: TenantStore;
  defaultPageSize: number;
}

/** Answers one Graph request; the tenant comes from the bearer token, as on real Graph. */
export function handleGraph(ctx: GraphRequestContext): Reply {
  const requestId = randomUUID();
  const ids = {
    'request-id': requestId,
    'client-request-id': ctx.req.headers['client-request-id']?.toString() ?? requestId,
  };
  const reply = route(ctx);
  const body = reply.body as { error?: { innerError?: Record<string, unknown> } };
  if (body.error?.innerError) body.error.innerError['request-id'] = requestId;
  return { ...reply, headers: { ...ids, ...reply.headers } };
}

function route(ctx: GraphRequestContext): Reply {
  const { req, store } = ctx;
  const tenant = authenticate(ctx);
  if (!('azureTenantId' in tenant)) return tenant;
  store.countGraphRequest(tenant.azureTenantId);

  const retryAfter = store.takeThrottle(tenant.azureTenantId);
  if (retryAfter !== undefined) {
    return graphError(429, 'TooManyRequests', 'Too many requests from this application to this tenant.', {
      'retry-after': String(retryAfter),
    });
  }
  if (req.method !== 'GET')
    return graphError(405, 'MethodNotAllowed', 'The emulator serves read-only requests.');

  const [first, second, id, relatedName, ...rest] = ctx.segments;
  const collection = COLLECTIONS.find(
    (c) => c.segments[0] === first && c.segments[1] === second && c.versions.includes(ctx.version),
  );
  if (collection === undefined || rest.length > 0) return notFound(ctx.segments);
  const items = store.policies(tenant.azureTenantId, collection.type);
  const collectionPath = collection.segments.join('/');

  if (id === undefined) {
    const expand = parseExpand(ctx.url.searchParams.get('$expand'), collection);
    if (typeof expand === 'string') return graphError(400, 'BadRequest', expand);
    return page(
      ctx,
      items.map((item) => withExpansions(item, expand)),
      collectionPath,
    );
  }

  const item = items.find((candidate) => candidate.object.id === id);
  if (item === undefined) {
    return graphError(
      404,
      'ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  if (relatedName === undefined) {
    const expand = parseExpand(ctx.url.searchParams.get('$expand'), collection);
    if (typeof expand === 'string') return graphError(400, 'BadRequest', expand);
    const context = `${ctx.baseUrl}/${ctx.version}/$metadata#${collectionPath}/$entity`;
    return { status: 200, body: { '@odata.context': context, ...withExpansions(item, expand) } };
  }
  const related = collection.related.find((name) => name === relatedName);
  if (related === undefined) return notFound(ctx.segments);
  return page(ctx, item[related] ?? [], `${collectionPath}('${id}')/${related}`);
}

function authenticate(ctx: GraphRequestContext): EmulatorTenantSeed | Reply {
  const match = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (match?.[1] === undefined)
    return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  return (
    ctx.store.tenantForToken(match[1]) ??
    graphError(
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure. Invalid or expired token.',
    )
  );
}

/** Top-level names of `$expand`, e.g. `a($expand=b),c` -> [a, c]; an error text if unknown. */
function parseExpand(value: string | null, collection: EmulatedCollection): RelatedList[] | string {
  if (value === null || value.trim() === '') return [];
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      names.push(current);
      current = '';
    } else if (depth === 0 && char !== ')') {
      current += char;
    }
  }
  names.push(current);
  const result: RelatedList[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const related = collection.related.find((candidate) => candidate === name);
    if (related === undefined)
      return `Could not find a property named '${name}' on type '${collection.type}'.`;
    result.push(related);
  }
  return result;
}

function withExpansions(item: EmulatorPolicy, expand: readonly RelatedList[]): GraphJson {
  const value: GraphJson = { ...item.object };
  for (const name of expand) value[name] = item[name] ?? [];
  return value;
}

interface SkipToken {
  offset: number;
}

/** One page of `all`, with an absolute `@odata.nextLink` carrying a `$skiptoken`. */
function page(ctx: GraphRequestContext, all: readonly unknown[], contextPath: string): Reply {
  const params = ctx.url.searchParams;
  let pageSize = ctx.defaultPageSize;
  const top = params.get('$top');
  if (top !== null) {
    const parsed = Number(top);
    if (!Number.isInteger(parsed) || parsed < 1)
      return graphError(400, 'BadRequest', `Invalid $top value '${top}'.`);
    pageSize = Math.min(parsed, MAX_TOP);
  }
  let offset = 0;
  const skipToken = params.get('$skiptoken');
  if (skipToken !== null) {
    const decoded = decodeSkipToken(skipToken);
    if (decoded === undefined) return graphError(400, 'BadRequest', 'Invalid $skiptoken.');
    offset = decoded.offset;
  }
  const body: GraphJson = { '@odata.context': `${ctx.baseUrl}/${ctx.version}/$metadata#${contextPath}` };
  if (offset + pageSize < all.length) body['@odata.nextLink'] = nextLink(ctx, { offset: offset + pageSize });
  body.value = all.slice(offset, offset + pageSize);
  return { status: 200, body };
}

function nextLink(ctx: GraphRequestContext, token: SkipToken): string {
  // Keep the caller's other options ($top, $expand) like Graph does; `$` stays literal.
  const parts: string[] = [];
  for (const [key, value] of ctx.url.searchParams) {
    if (key !== '$skiptoken') parts.push(`${key}=${encodeURIComponent(value)}`);
  }
  parts.push(`$skiptoken=${Buffer.from(JSON.stringify(token)).toString('base64url')}`);
  return `${ctx.baseUrl}${ctx.url.pathname}?${parts.join('&')}`;
}

function decodeSkipToken(value: string): SkipToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<SkipToken>;
    const offset = parsed.offset;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? { offset } : undefined;
  } catch {
    return undefined;
  }
}

export function notFound(segments: readonly string[]): Reply {
  return graphError(
    404,
    'ResourceNotFound',
    `Resource not found for the segment '${segments.at(-1) ?? ''}'.`,
  );
}

/** Graph's error envelope. */
export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  const innerError = { date: new Date().toISOString(), 'request-id': randomUUID() };
  return { status, body: { error: { code, message, innerError } }, headers };
}
