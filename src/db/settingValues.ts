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
