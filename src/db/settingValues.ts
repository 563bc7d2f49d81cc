// Encrypted Intune setting values (src/secrets/settingValues.ts), keyed by tenant and fingerprint.
import type { StoredSettingValue } from '../secrets';
import type { Db } from './client';

/**
 * Stores the values a page's payloads refer to, before the page: a payload never refers to a
 * value that is not stored. Idempotent (a value already stored is kept as it is, under whatever
 * key it is), and in fingerprint order, so two runs storing the same values cannot deadlock.
 */
export async function storeSettingValues(db: Db, values: readonly StoredSettingValue[]): Promise<void> {
  if (values.length === 0) return;
  const key = (value: StoredSettingValue) => `${value.tenantId} ${value.fingerprint}`;
  const sorted = [...values].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  await db.encryptedSettingValue.createMany({ data: sorted, skipDuplicates: true });
}

/** The stored value of a fingerprint, for a restore (and tests). */
export function findSettingValue(
  db: Db,
  tenantId: string,
  fingerprint: string,
): Promise<StoredSettingValue | null> {
  return db.encryptedSettingValue.findUnique({
    where: { tenantId_fingerprint: { tenantId, fingerprint } },
    select: { tenantId: true, fingerprint: true, ciphertext: true, keyId: true },
  });
}

/** Stored values not under `keyId`, in (tenant, fingerprint) order after `after`. */
export function listSettingValuesNotUnderKey(
  db: Db,
  keyId: string,
  page: { limit: number; after?: Pick<StoredSettingValue, 'tenantId' | 'fingerprint'> },
): Promise<StoredSettingValue[]> {
  const { after } = page;
  return db.encryptedSettingValue.findMany({
    where: {
      keyId: { not: keyId },
      ...(after
        ? {
            OR: [
              { tenantId: { gt: after.tenantId } },
              { tenantId: after.tenantId, fingerprint: { gt: after.fingerprint } },
            ],
          }
        : {}),
    },
    select: { tenantId: true, fingerprint: true, ciphertext: true, keyId: true },
    orderBy: [{ tenantId: 'asc' }, { fingerprint: 'asc' }],
    take: page.limit,
  });
}

/** Stores a re-encrypted value, only if the row still holds what was read. */
export async function replaceSettingValue(
  db: Db,
  read: StoredSettingValue,
  next: StoredSettingValue,
): Promise<boolean> {
  const { count } = await db.encryptedSettingValue.updateMany({
    where: { ...read },
    data: { ciphertext: next.ciphertext, keyId: next.keyId },
  });
  return count === 1;
}

/** How many stored values each key id holds. */
export async function countSettingValuesByKey(db: Db): Promise<Record<string, number>> {
  const groups = await db.encryptedSettingValue.groupBy({
    by: ['keyId'],
    _count: { _all: true },
    orderBy: { keyId: 'asc' },
  });
  return Object.fromEntries(groups.map((group) => [group.keyId, group._count._all]));
}
