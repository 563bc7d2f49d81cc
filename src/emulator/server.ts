import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { PolicyTypeKey } from '../graph/policyTypes';
import {
  countsOf,
  createGeneratedTenant,
  ensureDemoTenant,
  handleAdmin,
  mutateTenant,
  type PlantedPolicy,
  plantPolicy,
  type TenantCounts,
} from './adminApi';
import { getObject, patchObject, shuffleTenant } from './adminObjects';
import { type EmulatorFaults, faultsSchema } from './faults';
import { handleGraphRequest } from './graphEndpoint';
import { graphError, notFound } from './graphErrors';
import { BodyTooLargeError, type Reply, sendReply } from './httpUtil';
import { handleToken, instanceDiscovery, openIdConfiguration } from './identity';
import type { MutationRequest, MutationResult } from './mutations';
import { type EmulatorTenant, type GeneratedTenantSpec, type RequestStats, TenantStore } from './tenantStore';
import { loadOrCreateTls } from './tls';
import type { PatchFormat } from './objectPatch';
import type { EmulatorTenantSeed, GraphJson } from './types';
import type { WriteLogEntry } from './writes/writeGate';

// Plain node:https with a hand-rolled router rather than Express: raw control of status,
// headers and body shapes is the point of an emulator.

export const DEFAULT_PAGE_SIZE = 100;

export interface GraphEmulatorOptions {
  /** 0 or undefined: any free port. */
  port?: number;
  host?: string;
  /** Persist ca.pem/cert.pem/key.pem here and reuse them; in memory when omitted. */
  tlsDir?: string;
  tenants?: EmulatorTenantSeed[];
  /**
   * Default page size of collections and lists (default 100); lists with a smaller Graph
   * default (settings catalog `/settings`: 25) use that. A tenant may have its own.
   */
  pageSize?: number;
  logger?: Logger;
}

export interface GraphEmulator {
  /** Origin of both the login and the Graph endpoints, e.g. https://127.0.0.1:4443. */
  baseUrl: string;
  /** The CA that issued the server certificate; clients trust it in addition to system roots. */
  caPem: string;
  addTenant(seed: EmulatorTenantSeed): void;
  /** A generated tenant, as `POST /_emulator/tenants` makes it. */
  createTenant(spec: GeneratedTenantSpec): TenantCounts;
  /** The hand-written demo tenant (plus `extrasPerType` generated objects of its empty types). */
  ensureDemoTenant(extrasPerType?: number): TenantCounts;
  counts(azureTenantId: string): TenantCounts;
  policyCount(azureTenantId: string, types: readonly PolicyTypeKey[]): number;
  setFaults(azureTenantId: string, faults: EmulatorFaults): void;
  mutate(azureTenantId: string, request: Partial<MutationRequest>): MutationResult;
  /** A hand-written object added to the tenant, as `POST /_emulator/tenants/<id>/policies` adds it. */
  plantPolicy(azureTenantId: string, request: PlantedPolicy): { type: PolicyTypeKey; id: string };
  /** The stored object with its sub-resources, as `GET /_emulator/tenants/<id>/objects/<type>/<graphId>`. */
  getObject(azureTenantId: string, type: PolicyTypeKey, graphId: string): GraphJson;
  /** A merge patch or JSON Patch applied to it, as `PATCH` of that path; returns the new object. */
  patchObject(
    azureTenantId: string,
    type: PolicyTypeKey,
    graphId: string,
    patch: unknown,
    options?: { format?: PatchFormat; actor?: string },
  ): GraphJson;
  /** Reorders what Graph gives no order to, as `POST /_emulator/tenants/<id>/shuffle`. */
  shuffle(azureTenantId: string, seed?: string): { seed: string; objects: number };
  stats(azureTenantId: string): RequestStats;
  resetStats(azureTenantId: string): void;
  /** Token endpoint calls for the tenant, successful or not. */
  tokenRequests(azureTenantId: string): number;
  /** Authenticated Graph calls for the tenant. */
  graphRequests(azureTenantId: string): number;
  /** Invalidates every issued token of the tenant, as a revocation would. */
  revokeTokens(azureTenantId: string): void;
  /** The tenant's next `count` Graph calls answer 429 with this Retry-After. */
  throttleNext(azureTenantId: string, count: number, retryAfterSeconds?: number): void;
  /** Every write request of the tenant in order, with its time, status and body (a copy). */
  writeLog(azureTenantId: string): WriteLogEntry[];
  /** Adds application permissions to the tenant's app (admin consent), e.g. a ReadWrite scope. */
  grantPermissions(azureTenantId: string, permissions: readonly string[]): void;
  close(): Promise<void>;
}

export async function startGraphEmulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const host = opts.host ?? '127.0.0.1';
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error('pageSize must be a positive integer');
  const tls = await loadOrCreateTls(opts.tlsDir);
  const store = new TenantStore();
  for (const seed of opts.tenants ?? []) store.add(seed);

  let baseUrl = '';
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    route(req, { store, baseUrl, pageSize })
      .catch((error: unknown): Reply => {
        if (error instanceof BodyTooLargeError) return { status: 413, body: { error: 'invalid_request' } };
        logger.error({ err: error, path: req.url?.split('?')[0] }, 'emulator request failed');
        return graphError(500, 'InternalServerError', 'Emulator failure.');
      })
      .then((reply) => sendReply(res, reply))
      .catch(() => res.destroy());
    res.on('finish', () => {
      logger.debug({ method: req.method, path: req.url?.split('?')[0], status: res.statusCode }, 'request');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `https://${urlHost(host)}:${port}`;
  logger.info({ baseUrl }, 'Graph emulator listening');

  const tenant = (azureTenantId: string): EmulatorTenant => {
    const found = store.get(azureTenantId);
    if (found === undefined) throw new Error(`the emulator has no tenant ${azureTenantId}`);
    return found;
  };
  return {
    baseUrl,
    caPem: tls.caPem,
    addTenant: (seed) => void store.add(seed),
    createTenant: (spec) => createGeneratedTenant(store, spec),
    ensureDemoTenant: (extrasPerType = 0) => ensureDemoTenant(store, extrasPerType),
    counts: (azureTenantId) => countsOf(tenant(azureTenantId)),
    policyCount: (azureTenantId, types) => {
      const objects = store.get(azureTenantId)?.objects;
      return types.reduce((sum, type) => sum + (objects?.count(type) ?? 0), 0);
    },
    setFaults: (azureTenantId, faults) => {
      tenant(azureTenantId);
      store.setFaults(azureTenantId, faultsSchema.parse(faults));
    },
    mutate: (azureTenantId, request) => mutateTenant(tenant(azureTenantId), request),
    plantPolicy: (azureTenantId, request) => plantPolicy(tenant(azureTenantId), request),
    getObject: (azureTenantId, type, graphId) => getObject(tenant(azureTenantId), type, graphId),
    patchObject: (azureTenantId, type, graphId, patch, options = {}) =>
      patchObject(tenant(azureTenantId), type, graphId, patch, options.format, options.actor),
    shuffle: (azureTenantId, seed) =>
      shuffleTenant(tenant(azureTenantId), seed === undefined ? {} : { seed }),
    stats: (azureTenantId) => structuredClone(tenant(azureTenantId).stats),
    resetStats: (azureTenantId) => store.resetStats(tenant(azureTenantId)),
    tokenRequests: (azureTenantId) => store.tokenRequests(azureTenantId),
    graphRequests: (azureTenantId) => store.graphRequests(azureTenantId),
    revokeTokens: (azureTenantId) => store.revokeTokens(azureTenantId),
    throttleNext: (azureTenantId, count, retryAfterSeconds = 0) =>
      store.throttleNext(azureTenantId, count, retryAfterSeconds),
    writeLog: (azureTenantId) => structuredClone(tenant(azureTenantId).writeLog),
    grantPermissions: (azureTenantId, permissions) => {
      const app = tenant(azureTenantId);
      app.grantedPermissions = [...new Set([...app.grantedPermissions, ...permissions])];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Clients keep pooled keep-alive connections open; do not wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

interface RouteContext {
  store: TenantStore;
  baseUrl: string;
  pageSize: number;
}

async function route(req: IncomingMessage, ctx: RouteContext): Promise<Reply> {
  const url = new URL(req.url ?? '/', ctx.baseUrl);
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(safeDecode);
  const [first, ...rest] = segments;

  if (first === 'v1.0' || first === 'beta') {
    return handleGraphRequest({
      req,
      url,
      version: first,
      segments: rest,
      store: ctx.store,
      defaultPageSize: ctx.pageSize,
    });
  }
  if (first === '_emulator') return handleAdmin(req, rest, ctx.store);
  if (first === undefined) return notFound(segments);

  const tail = rest.join('/');
  if (req.method === 'POST' && tail === 'oauth2/v2.0/token') return handleToken(req, ctx.store, first);
  if (req.method === 'GET' && tail === 'v2.0/.well-known/openid-configuration') {
    return { status: 200, body: openIdConfiguration(ctx.baseUrl, first) };
  }
  if (req.method === 'GET' && tail === 'discovery/instance') {
    return { status: 200, body: instanceDiscovery(ctx.baseUrl, tenantFromAuthorizeEndpoint(url) ?? first) };
  }
  if (req.method === 'GET' && tail === 'discovery/v2.0/keys') return { status: 200, body: { keys: [] } };
  return notFound(segments);
}

/** MSAL names the tenant in `authorization_endpoint=<authority>/oauth2/v2.0/authorize`. */
function tenantFromAuthorizeEndpoint(url: URL): string | undefined {
  const endpoint = url.searchParams.get('authorization_endpoint');
  if (endpoint === null) return undefined;
  try {
    return new URL(endpoint).pathname.split('/').find((s) => s !== '');
  } catch {
    return undefined;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
