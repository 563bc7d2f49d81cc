import type { DbClient as Db, Tenant } from './client';

/**
 * A tenant row as written. The secret is in its stored form: clientSecret is the ciphertext
 * (TenantSecretCipher.encrypt) and secretKeyId the key that made it; never plaintext.
 */
export interface TenantInput {
  /** Set by the caller when the ciphertext is bound to the id (a new tenant). */
  id?: string;
  slug: string;
  displayName: string;
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
  secretKeyId: string;
  graphBaseUrl?: string | null;
  loginBaseUrl?: string | null;
}

/** Tenants by id; only those `memberUserId` is a member of, when given. */
export function listTenants(
  db: Db,
  page: { limit: number; cursor?: string; memberUserId?: string },
): Promise<Tenant[]> {
  return db.tenant.findMany({
    where: {
      ...(page.cursor ? { id: { gt: page.cursor } } : {}),
      ...(page.memberUserId ? { memberships: { some: { userId: page.memberUserId } } } : {}),
    },
    orderBy: { id: 'asc' },
    take: page.limit + 1,
  });
}

export function findTenant(db: Db, tenantId: string): Promise<Tenant | null> {
  return db.tenant.findUnique({ where: { id: tenantId } });
}

export function findTenantBySlug(db: Db, slug: string): Promise<Tenant | null> {
  return db.tenant.findUnique({ where: { slug } });
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

/** A tenant's stored client secret (ciphertext and key id), and the row's version for rotation. */
export type TenantSecretRow = Pick<Tenant, 'id' | 'clientSecret' | 'secretKeyId' | 'updatedAt'>;

/** The key id an offboarded tenant's erased client secret is stored under (./tenantOffboarding.ts). */
export const ERASED_SECRET_KEY_ID = 'erased';

/** Up to `limit` tenants whose secret is not under `keyId`, in id order after `afterId`. */
export function listSecretsNotUnderKey(
  db: Db,
  keyId: string,
  page: { limit: number; afterId?: string },
): Promise<TenantSecretRow[]> {
  return db.tenant.findMany({
    // An offboarded tenant's erased secret (key id "erased", src/db/tenantOffboarding.ts) has nothing to re-encrypt.
    where: {
      secretKeyId: { notIn: [keyId, ERASED_SECRET_KEY_ID] },
      ...(page.afterId ? { id: { gt: page.afterId } } : {}),
    },
    select: { id: true, clientSecret: true, secretKeyId: true, updatedAt: true },
    orderBy: { id: 'asc' },
    take: page.limit,
  });
}

/**
 * Stores a re-encrypted secret, only if the row still holds what was read (a secret changed
 * meanwhile through the API wins). Re-encryption changes no setting, so updatedAt is kept.
 */
export async function replaceStoredSecret(
  db: Db,
  read: TenantSecretRow,
  next: Pick<Tenant, 'clientSecret' | 'secretKeyId'>,
): Promise<boolean> {
  const { count } = await db.tenant.updateMany({
    where: { id: read.id, clientSecret: read.clientSecret, secretKeyId: read.secretKeyId },
    data: { ...next, updatedAt: read.updatedAt },
  });
  return count === 1;
}

/** How many tenant secrets each key id holds. */
export async function countSecretsByKey(db: Db): Promise<Record<string, number>> {
  const groups = await db.tenant.groupBy({
    by: ['secretKeyId'],
    // An offboarded tenant's erased secret is no secret: counted, it would read as one left
    // under an old key, and the rotation command would report the rotation incomplete.
    where: { secretKeyId: { not: ERASED_SECRET_KEY_ID } },
    _count: { _all: true },
    orderBy: { secretKeyId: 'asc' },
  });
  return Object.fromEntries(groups.map((group) => [group.secretKeyId, group._count._all]));
}
