import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAudit, userActor } from '../db/audit';
import { type Db, Prisma } from '../db/client';
import {
  findTenant,
  findTenantBySlug,
  createTenant as insertTenant,
  listTenants as selectTenants,
  type TenantInput,
  updateTenant as updateTenantRow,
} from '../db/tenants';
import {
  checkOutboundUrl,
  GRAPH_ENDPOINT_FIELDS,
  type GraphEndpointField,
  graphEndpointAllowlist,
  type OutboundAllowlist,
} from '../outbound';
import { lockTenantForWrite } from '../db/tenantOffboarding';
import type { TenantSecretCipher } from '../secrets';
import { ConflictError, InvalidFieldsError, NotFoundError } from './errors';

/** A tenant's settings as the API takes them: clientSecret is the plaintext, encrypted here. */
export type TenantSettings = Omit<TenantInput, 'id' | 'secretKeyId'>;

export async function getTenant(db: Db, tenantId: string) {
  const tenant = await findTenant(db, tenantId);
  if (!tenant) throw new NotFoundError('tenant');
  return tenant;
}

/**
 * The tenant by its id or its slug (the admin command line takes either). A UUID is looked up as
 * an id first: slugs may not look like UUIDs, but one made before that rule could spell another
 * tenant's id, and an id must always name its own tenant.
 */
export async function getTenantBySlugOrId(db: Db, ref: string) {
  const tenant =
    (z.guid().safeParse(ref).success ? await findTenant(db, ref.toLowerCase()) : null) ??
    (await findTenantBySlug(db, ref));
  if (!tenant) throw new NotFoundError('tenant');
  return tenant;
}

/** The tenants `memberUserId` is a member of; every tenant when it is undefined (platform admins). */
export function listTenants(
  db: Db,
  page: { limit: number; cursor?: string },
  memberUserId: string | undefined,
) {
  return selectTenants(db, { ...page, memberUserId });
}

/** Where tenant endpoints may point unless the deployment says more: Microsoft's hosts only. */
const MICROSOFT_ONLY = graphEndpointAllowlist();

export async function createTenant(
  db: Db,
  secrets: TenantSecretCipher,
  input: TenantSettings,
  actorUserId: string,
  endpointAllowlist: OutboundAllowlist = MICROSOFT_ONLY,
) {
  const settings = await withCheckedEndpoints(input, endpointAllowlist);
  // The id is chosen here because the ciphertext is bound to it.
  const id = randomUUID();
  try {
    return await db.$transaction(async (tx) => {
      const tenant = await insertTenant(tx, { ...settings, id, ...secrets.encrypt(id, input.clientSecret) });
      // The secret stays out of the audit metadata, like everywhere else.
      await appendAudit(tx, {
        tenantId: tenant.id,
        actor: userActor(actorUserId),
        action: 'tenant.created',
        resourceType: 'tenant',
        resourceId: tenant.id,
        metadata: { slug: tenant.slug },
      });
      return tenant;
    });
  } catch (error) {
    throw conflictIfSlugTaken(error, input.slug);
  }
}

/**
 * Changes the given fields. A new client secret replaces the old one (it is never returned);
 * the audit row names the fields changed, never the secret, and gives the old and new value of
 * a changed endpoint (URLs hold no secret: the guard refuses user info and queries).
 */
export async function updateTenant(
  db: Db,
  secrets: TenantSecretCipher,
  tenantId: string,
  changes: Partial<TenantSettings>,
  actorUserId: string,
  endpointAllowlist: OutboundAllowlist = MICROSOFT_ONLY,
) {
  await getTenant(db, tenantId);
  const { clientSecret, ...settings } = await withCheckedEndpoints(changes, endpointAllowlist);
  const stored = clientSecret === undefined ? {} : secrets.encrypt(tenantId, clientSecret);
  try {
    return await db.$transaction(async (tx) => {
      // Locked and checked here too: a PATCH authorized just before the offboarding committed
      // must not bring back the client secret it erased.
      const before = await lockTenantForWrite(tx, tenantId);
      const tenant = await updateTenantRow(tx, tenantId, { ...settings, ...stored });
      const endpointChanges = GRAPH_ENDPOINT_FIELDS.filter((field) => field in settings).map((field) => [
        field,
        { old: before[field], new: tenant[field] },
      ]);
      await appendAudit(tx, {
        tenantId,
        actor: userActor(actorUserId),
        action: 'tenant.updated',
        resourceType: 'tenant',
        resourceId: tenantId,
        metadata: {
          changed: Object.keys(changes).sort(),
          ...(endpointChanges.length > 0 ? { endpoints: Object.fromEntries(endpointChanges) } : {}),
        },
      });
      return tenant;
    });
  } catch (error) {
    throw conflictIfSlugTaken(error, changes.slug ?? '');
  }
}

/**
 * The settings with each endpoint given replaced by the canonical origin the outbound guard
 * accepted (null keeps Microsoft's global service); a 422 naming every endpoint it refused.
 * Checked before anything is written, so a refusal leaves no trace.
 */
async function withCheckedEndpoints<T extends Partial<Record<GraphEndpointField, string | null>>>(
  settings: T,
  allowlist: OutboundAllowlist,
): Promise<T> {
  const checked = { ...settings };
  const errors: { field: string; message: string }[] = [];
  for (const field of GRAPH_ENDPOINT_FIELDS) {
    const url = settings[field];
    if (typeof url !== 'string') continue;
    const verdict = await checkOutboundUrl(url, allowlist);
    if (verdict.allowed) checked[field] = verdict.url.origin as T[GraphEndpointField];
    else errors.push({ field, message: `refused: ${verdict.reason}` });
  }
  if (errors.length > 0) throw new InvalidFieldsError(errors);
  return checked;
}

function conflictIfSlugTaken(error: unknown, slug: string): unknown {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return error;
  return new ConflictError(`a tenant with slug "${slug}" already exists`, 'tenant_slug_taken', 'slug');
}
