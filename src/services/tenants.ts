import { appendAudit, userActor } from '../db/audit';
import { type Db, Prisma } from '../db/client';
import {
  findTenant,
  createTenant as insertTenant,
  listTenants as selectTenants,
  type TenantInput,
  updateTenant as updateTenantRow,
} from '../db/tenants';
import { ConflictError, NotFoundError } from './errors';

export async function getTenant(db: Db, tenantId: string) {
  const tenant = await findTenant(db, tenantId);
  if (!tenant) throw new NotFoundError('tenant');
  return tenant;
}

export function listTenants(db: Db, page: { limit: number; cursor?: string }) {
  return selectTenants(db, page);
}

export async function createTenant(db: Db, input: TenantInput, actorUserId: string) {
  try {
    return await db.$transaction(async (tx) => {
      const tenant = await insertTenant(tx, input);
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
  tenantId: string,
  changes: Partial<TenantInput>,
  actorUserId: string,
) {
  await getTenant(db, tenantId);
  try {
    return await db.$transaction(async (tx) => {
      const tenant = await updateTenantRow(tx, tenantId, changes);
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
