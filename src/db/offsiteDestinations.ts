// Tenants' offsite destinations (at most one each, keyed by tenant id): the API writes them, the
// copyOffsite activity and rotate-secret-key read them.
import type { DbClient, OffsiteDestination, Prisma } from './client';

export function findOffsiteDestination(db: DbClient, tenantId: string): Promise<OffsiteDestination | null> {
  return db.offsiteDestination.findUnique({ where: { tenantId } });
}

/** The destination locked for the rest of the transaction (a PUT reads then replaces it). */
export async function lockOffsiteDestination(db: DbClient, tenantId: string) {
  await db.$queryRaw`SELECT tenant_id FROM offsite_destinations WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
  return findOffsiteDestination(db, tenantId);
}

export function upsertOffsiteDestination(
  db: DbClient,
  tenantId: string,
  data: Omit<Prisma.OffsiteDestinationUncheckedCreateInput, 'tenantId'>,
) {
  return db.offsiteDestination.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
}

/** True when there was one to delete. */
export async function deleteOffsiteDestination(db: DbClient, tenantId: string): Promise<boolean> {
  const { count } = await db.offsiteDestination.deleteMany({ where: { tenantId } });
  return count > 0;
}

/** One batch of destinations whose credentials are not under `keyId` (rotate-secret-key). */
export function destinationsNotUnderKey(db: DbClient, keyId: string, take: number, afterTenantId?: string) {
  return db.offsiteDestination.findMany({
    where: {
      credentialsKeyId: { not: keyId },
      ...(afterTenantId ? { tenantId: { gt: afterTenantId } } : {}),
    },
    orderBy: { tenantId: 'asc' },
    take,
  });
}

/** Replaces the ciphertext only if it is still the one read (an API write meanwhile wins). */
export async function replaceCredentialsIfUnchanged(
  db: DbClient,
  tenantId: string,
  read: { ciphertext: string },
  next: { ciphertext: string; keyId: string },
): Promise<boolean> {
  const { count } = await db.offsiteDestination.updateMany({
    where: { tenantId, credentialsCiphertext: read.ciphertext },
    data: { credentialsCiphertext: next.ciphertext, credentialsKeyId: next.keyId },
  });
  return count === 1;
}

export function countDestinationsByKey(db: DbClient) {
  return db.offsiteDestination.groupBy({ by: ['credentialsKeyId'], _count: { _all: true } });
}
