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
import type { TenantSecretCipher } from '../secrets';
import { ConflictError, NotFoundError } from './errors';

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

export async function createTenant(
  db: Db,
  secrets: TenantSecretCipher,
  input: TenantSettings,
  actorUserId: string,
) {
  // The id is chosen here because the ciphertext is bound to it.
  const id = randomUUID();
  try {
    return await db.$transaction(async (tx) => {
      const tenant = await insertTenant(tx, { ...input, id, ...secrets.encrypt(id, input.clientSecret) });
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
 * the audit row names the fields changed, never their values.
 */
export async function updateTenant(
  db: Db,
  secrets: TenantSecretCipher,
  tenantId: string,
  changes: Partial<TenantSettings>,
  actorUserId: string,
) {
  await getTenant(db, tenantId);
  const { clientSecret, ...settings } = changes;
  const stored = clientSecret === undefined ? {} : secrets.encrypt(tenantId, clientSecret);
  try {
    return await db.$transaction(async (tx) => {
      const tenant = await updateTenantRow(tx, tenantId, { ...settings, ...stored });
      await appendAudit(tx, {
        tenantId,
        actor: userActor(actorUserId),
        action: 'tenant.updated',
        resourceType: 'tenant',
        resourceId: tenantId,
        metadata: { changed: Object.keys(changes).sort() },
      });
      return tenant;
    });
  } catch (error) {
    throw conflictIfSlugTaken(error, changes.slug ?? '');
  }
}

function conflictIfSlugTaken(error: unknown, slug: string): unknown {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return error;
  return new ConflictError(`a tenant with slug "${slug}" already exists`, 'tenant_slug_taken', 'slug');
}
