import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { POLICY_TYPE_KEYS, type PolicyTypeKey } from '../graph/policyTypes';
import { DEMO_TENANT, demoTenantSeed } from './demoTenant';
import { setEncryptedValue } from './encryptedValues';
import { type EmulatorFaults, faultsSchema } from './faults';
import { type Reply, readBody } from './httpUtil';
import { isLoopback } from './loopback';
import {
  ACTOR_HEADER,
  actorSchema,
  auditing,
  getObject,
  NotFoundError,
  patchObject,
  shuffleSchema,
  shuffleTenant,
} from './adminObjects';
import { MutationError, type MutationRequest, type MutationResult, mutate } from './mutations';
import { PatchError, patchFormat } from './objectPatch';
import { TEMPLATE_LIFECYCLE_STATES } from './pools/configurationPolicyTemplates';
import type { EmulatorTenant, GeneratedTenantSpec, RequestStats, TenantStore } from './tenantStore';

// `/_emulator/...`: test and benchmark control of the emulator. No authentication, so only
// loopback clients are served: the emulator may listen on 0.0.0.0 in a container.

export const MIN_GENERATED_POLICIES = 50;
export const MAX_GENERATED_POLICIES = 10_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const generatedTenantSchema = z.strictObject({
  azureTenantId: z.string().regex(GUID, 'must be a GUID'),
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
  policies: z.number().int().min(MIN_GENERATED_POLICIES).max(MAX_GENERATED_POLICIES),
  displayName: z.string().min(1).max(200).optional(),
  /** This tenant's collection page size (default: the server's), e.g. small to force paging. */
  pageSize: z.number().int().min(1).max(999).optional(),
  grantedPermissions: z.array(z.string().min(1).max(200)).max(20).optional(),
});

/** Every permission the tenant's app holds from now on (EmulatorTenant.grantedPermissions). */
const grantsSchema = z.strictObject({ permissions: z.array(z.string().min(1).max(200)).max(100) });

/** Microsoft moves a settings catalog template through its lifecycle (e.g. retires a version). */
const templateLifecycleSchema = z.strictObject({
  templateId: z.string().min(1).max(200),
  lifecycleState: z.enum(TEMPLATE_LIFECYCLE_STATES),
});

/** A new plain text for an encrypted setting of a hand-written policy, found by its omaUri. */
const encryptedValueSchema = z.strictObject({
  type: z.enum(POLICY_TYPE_KEYS),
  policyId: z.string().min(1),
  omaUri: z.string().min(1),
  value: z.string(),
});

const count = z.number().int().min(0).max(MAX_GENERATED_POLICIES).default(0);
export const mutationSchema = z.strictObject({
  add: count,
  modify: count,
  remove: count,
  types: z.array(z.enum(POLICY_TYPE_KEYS)).min(1).optional(),
  actor: actorSchema.optional(),
});

/**
 * A hand-written object added to a tenant's type, served like any other: e.g. one whose strings
 * hold U+0000 or an unpaired surrogate, which Graph sends as "\u0000" and "\ud800".
 */
export const plantedPolicySchema = z.strictObject({
  type: z.enum(POLICY_TYPE_KEYS),
  object: z.looseObject({ id: z.string().min(1) }),
  settings: z.array(z.looseObject({})).optional(),
  assignments: z.array(z.looseObject({})).optional(),
  actor: actorSchema.optional(),
});

export type PlantedPolicy = z.input<typeof plantedPolicySchema>;

const demoSchema = z.strictObject({
  /** Generated objects added for each type the hand-written demo tenant has none of. */
  extrasPerType: z.number().int().min(0).max(50).default(0),
});

export interface TenantCounts {
  counts: Record<PolicyTypeKey, number>;
  total: number;
}

export function countsOf(tenant: EmulatorTenant): TenantCounts {
  const counts = tenant.objects.counts();
  return { counts, total: Object.values(counts).reduce((sum, n) => sum + n, 0) };
}

export function createGeneratedTenant(store: TenantStore, spec: GeneratedTenantSpec): TenantCounts {
  const parsed = generatedTenantSchema.parse(spec);
  if (store.has(parsed.azureTenantId))
    throw new ConflictError(`Tenant ${parsed.azureTenantId} already exists.`);
  return countsOf(store.addGenerated(parsed));
}

/** The hand-written demo tenant, plus generated objects of the types it has none of. Idempotent. */
export function ensureDemoTenant(store: TenantStore, extrasPerType = 0): { created: boolean } & TenantCounts {
  const existing = store.get(DEMO_TENANT.azureTenantId);
  if (existing) return { created: false, ...countsOf(existing) };
  const seed = demoTenantSeed();
  const tenant = store.add(seed);
  for (const key of POLICY_TYPE_KEYS) {
    if ((seed.policies[key]?.length ?? 0) === 0) tenant.objects.generate(key, extrasPerType);
  }
  return { created: true, ...countsOf(tenant) };
}

export function mutateTenant(
  tenant: EmulatorTenant,
  request: Partial<MutationRequest> & { actor?: string },
): MutationResult {
  const { actor, ...parsed } = mutationSchema.parse(request);
  return mutate(tenant.objects, parsed, tenant.mutationRng, auditing(tenant, actor));
}

export function plantPolicy(
  tenant: EmulatorTenant,
  request: PlantedPolicy,
): { type: PolicyTypeKey; id: string } {
  const { type, actor, ...policy } = plantedPolicySchema.parse(request);
  if (tenant.objects.find(type, policy.object.id))
    throw new ConflictError(`The tenant already has a ${type} object ${policy.object.id}.`);
  const id = tenant.objects.addStatic(type, policy);
  auditing(tenant, actor)(type, id, 'Create');
  return { type, id };
}

export class ConflictError extends Error {}

const adminError = (status: number, code: string, message: string): Reply => ({
  status,
  body: { error: { code, message } },
});

export async function handleAdmin(
  req: IncomingMessage,
  segments: readonly string[],
  store: TenantStore,
): Promise<Reply> {
  if (!isLoopback(req.socket.remoteAddress)) {
    return adminError(403, 'Forbidden', 'The emulator admin API answers loopback clients only.');
  }
  try {
    return await route(req, segments, store);
  } catch (error) {
    if (error instanceof z.ZodError) {
      const detail = error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      return adminError(400, 'BadRequest', detail);
    }
    if (error instanceof SyntaxError) return adminError(400, 'BadRequest', 'The body is not valid JSON.');
    if (error instanceof ConflictError) return adminError(409, 'Conflict', error.message);
    if (error instanceof NotFoundError) return adminError(404, 'NotFound', error.message);
    if (error instanceof PatchError) return adminError(400, 'BadRequest', error.message);
    if (error instanceof MutationError) return adminError(400, 'BadRequest', error.message);
    throw error;
  }
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  return text.trim() === '' ? {} : JSON.parse(text);
}

async function route(req: IncomingMessage, segments: readonly string[], store: TenantStore): Promise<Reply> {
  const method = req.method ?? 'GET';
  const [resource, id, action, sub] = segments;
  if (resource === 'demo-tenant' && id === undefined && method === 'POST') {
    const { extrasPerType } = demoSchema.parse(await jsonBody(req));
    const result = ensureDemoTenant(store, extrasPerType);
    return {
      status: result.created ? 201 : 200,
      body: { azureTenantId: DEMO_TENANT.azureTenantId, ...result },
    };
  }
  if (resource !== 'tenants') return adminError(404, 'NotFound', 'No such admin resource.');
  if (id === undefined) {
    if (method !== 'POST') return adminError(405, 'MethodNotAllowed', 'Use POST to create a tenant.');
    const spec = generatedTenantSchema.parse(await jsonBody(req));
    return {
      status: 201,
      body: { azureTenantId: spec.azureTenantId, ...createGeneratedTenant(store, spec) },
    };
  }
  const tenant = store.get(id);
  if (tenant === undefined) return adminError(404, 'NotFound', `No tenant ${id}.`);
  if (action === 'objects') return objectRoute(req, segments.slice(3), tenant);
  const route = `${method} ${action ?? ''}${sub ? `/${sub}` : ''}`;
  switch (route) {
    case 'GET counts':
      return { status: 200, body: countsOf(tenant) };
    case 'GET faults':
      return { status: 200, body: { faults: tenant.faults } };
    case 'PUT faults': {
      const faults: EmulatorFaults = faultsSchema.parse(await jsonBody(req));
      store.setFaults(id, faults);
      return { status: 200, body: { faults } };
    }
    case 'POST mutate':
      return { status: 200, body: mutateTenant(tenant, (await jsonBody(req)) as Partial<MutationRequest>) };
    case 'POST shuffle':
      return { status: 200, body: shuffleTenant(tenant, shuffleSchema.parse(await jsonBody(req))) };
    case 'POST policies':
      return { status: 201, body: plantPolicy(tenant, (await jsonBody(req)) as PlantedPolicy) };
    case 'GET grants':
      return { status: 200, body: { permissions: tenant.grantedPermissions } };
    case 'PUT grants': {
      const { permissions } = grantsSchema.parse(await jsonBody(req));
      tenant.grantedPermissions = [...permissions];
      return { status: 200, body: { permissions } };
    }
    case 'PUT template-lifecycle': {
      const { templateId, lifecycleState } = templateLifecycleSchema.parse(await jsonBody(req));
      if (!tenant.objects.pools.override(templateId, ['configurationPolicyTemplates'], { lifecycleState }))
        return adminError(404, 'NotFound', `No configuration policy template ${templateId}.`);
      return { status: 200, body: { templateId, lifecycleState } };
    }
    case 'PUT encrypted-values':
      if (!setEncryptedValue(tenant, encryptedValueSchema.parse(await jsonBody(req))))
        return adminError(
          404,
          'NotFound',
          'No hand-written policy with an encrypted setting of that omaUri.',
        );
      return { status: 204, body: undefined };
    case 'GET writes':
      return { status: 200, body: { writes: tenant.writeLog } };
    case 'GET stats':
      return { status: 200, body: tenant.stats satisfies RequestStats };
    case 'POST stats/reset':
      store.resetStats(tenant);
      return { status: 204, body: undefined };
    default:
      return adminError(404, 'NotFound', `No admin route ${route.trim()} for a tenant.`);
  }
}

/** `GET|PATCH /_emulator/tenants/{id}/objects/{policyType}/{graphId}`. */
async function objectRoute(
  req: IncomingMessage,
  [type, graphId, ...rest]: readonly string[],
  tenant: EmulatorTenant,
): Promise<Reply> {
  if (type === undefined || graphId === undefined || rest.length > 0)
    return adminError(404, 'NotFound', 'Name an object as objects/{policyType}/{graphId}.');
  if (req.method === 'GET') return { status: 200, body: getObject(tenant, type, graphId) };
  if (req.method !== 'PATCH')
    return adminError(405, 'MethodNotAllowed', 'Use GET or PATCH on a stored object.');
  const format = patchFormat(req.headers['content-type']);
  if (format === undefined) {
    return adminError(
      415,
      'UnsupportedMediaType',
      'Send application/merge-patch+json (or application/json) or application/json-patch+json.',
    );
  }
  const header = req.headers[ACTOR_HEADER];
  const actor = typeof header === 'string' ? header : undefined;
  // Parsed (and refused) before the object is looked at, so a bad body is a 400 either way.
  const patch = JSON.parse(await readBody(req)) as unknown;
  return { status: 200, body: patchObject(tenant, type, graphId, patch, format, actor) };
}
