import { appendAudit, userActor } from '../db/audit';
import { type Db, Prisma } from '../db/client';
import {
  findTenant,
  createTenant as insertTenant,
  listTenants as selectTenants,
  type TenantInput,
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
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new ConflictError(
        `a tenant with slug "${input.slug}" already exists`,
        'tenant_slug_taken',
        'slug',
      );
    }
    throw error;
  }
}
