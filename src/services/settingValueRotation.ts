// Re-encrypts every stored Intune setting value (src/secrets/settingValues.ts) that is not under
// the active key, beside the client secrets' rotation (secretRotation.ts): once both are done,
// older keys can be removed without losing what a restore needs. Fingerprints stay as they are
// (the payloads that hold them are immutable). Idempotent and resumable like the secrets' pass.
import type { Db } from '../db/client';
import {
  countSettingValuesByKey,
  listSettingValuesNotUnderKey,
  replaceSettingValue,
} from '../db/settingValues';
import { SecretUndecryptableError, type SettingValueCipher, type StoredSettingValue } from '../secrets';

export interface SettingValueRotationReport {
  /** Values per key id before and after the pass. */
  before: Record<string, number>;
  after: Record<string, number>;
  reencrypted: number;
  /** Values no key of the ring decrypts (key missing, tampered): left as they are. */
  undecryptable: number;
}

export async function rotateSettingValues(
  db: Db,
  cipher: SettingValueCipher,
  opts: { batchSize?: number } = {},
): Promise<SettingValueRotationReport> {
  const report: SettingValueRotationReport = {
    before: await countSettingValuesByKey(db),
    after: {},
    reencrypted: 0,
    undecryptable: 0,
  };
  let after: StoredSettingValue | undefined;
  for (;;) {
    const rows = await listSettingValuesNotUnderKey(db, cipher.activeKeyId, {
      limit: opts.batchSize ?? 100,
      ...(after ? { after } : {}),
    });
    for (const row of rows) {
      let next: StoredSettingValue;
      try {
        next = cipher.reencrypt(row);
      } catch (error) {
        if (!(error instanceof SecretUndecryptableError)) throw error;
        report.undecryptable += 1;
        continue;
      }
      if (await replaceSettingValue(db, row, next)) report.reencrypted += 1;
    }
    after = rows.at(-1);
    if (after === undefined) break;
  }
  report.after = await countSettingValuesByKey(db);
  return report;
}
