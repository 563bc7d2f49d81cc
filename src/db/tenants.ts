import type { DbClient as Db, Tenant } from './client';

export interface TenantInput {
  slug: string;
  displayName: string;
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
  graphBaseUrl?: string | null;
  loginBaseUrl?: string | null;
}

export function listTenants(db: Db, page: { limit: number; cursor?: string }): Promise<Tenant[]> {
  return db.tenant.findMany({
    orderBy: { id: 'asc' },
    take: page.limit + 1,
    ...(page.cursor ? { where: { id: { gt: page.cursor } } } : {}),
  });
}

export function findTenant(db: Db, tenantId: string): Promise<Tenant | null> {
  return db.tenant.findUnique({ where: { id: tenantId } });
}

export function createTenant(db: Db, input: TenantInput): Promise<Tenant> {
  return db.tenant.create({ data: input });
}

/** Creates the tenant or brings an existing one with the same slug up to date (seeding). */
export function upsertTenantBySlug(db: Db, input: TenantInput): Promise<Tenant> {
  return db.tenant.upsert({ where: { slug: input.slug }, create: input, update: input });
}

export function updateTenant(db: Db, tenantId: string, changes: Partial<TenantInput>): Promise<Tenant> {
  return db.tenant.update({ where: { id: tenantId }, data: changes });
}
