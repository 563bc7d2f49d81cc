// Re-encrypts every tenant client secret that is not under the active key (an older key, or
// `plain` rows from before encryption). Idempotent and resumable: rows already under the active
// key are not read, each row is replaced in its own transaction with its audit row, and only if
// it still holds what was read, so a run can be stopped and started again at any point.
import { appendAudit } from '../db/audit';
import type { Db } from '../db/client';
import { countSecretsByKey, listSecretsNotUnderKey, replaceStoredSecret } from '../db/tenants';
import { SecretUndecryptableError, type TenantSecretCipher } from '../secrets';

export interface RotationReport {
  activeKeyId: string;
  /** Secrets per key id before and after the pass. */
  before: Record<string, number>;
  after: Record<string, number>;
  /** Re-encrypted, by the key id they were under. */
  reencrypted: Record<string, number>;
  /** Changed through the API while this pass ran; the change is already under a current key. */
  changedMeanwhile: number;
  /** Tenants whose secret could not be decrypted (unknown key id, tampered): ids only. */
  undecryptable: string[];
}

export async function rotateTenantSecrets(
  db: Db,
  cipher: TenantSecretCipher,
  opts: { batchSize?: number } = {},
): Promise<RotationReport> {
  const activeKeyId = cipher.activeKeyId;
  const report: RotationReport = {
    activeKeyId,
    before: await countSecretsByKey(db),
    after: {},
    reencrypted: {},
    changedMeanwhile: 0,
    undecryptable: [],
  };
  let afterId: string | undefined;
  for (;;) {
    const rows = await listSecretsNotUnderKey(db, activeKeyId, { limit: opts.batchSize ?? 100, afterId });
    for (const row of rows) {
      let plaintext: string;
      try {
        plaintext = cipher.decrypt(row);
      } catch (error) {
        if (!(error instanceof SecretUndecryptableError)) throw error;
        report.undecryptable.push(row.id);
        continue;
      }
      const replaced = await db.$transaction(async (tx) => {
        if (!(await replaceStoredSecret(tx, row, cipher.encrypt(row.id, plaintext)))) return false;
        await appendAudit(tx, {
          tenantId: row.id,
          actor: 'operator',
          action: 'tenant.secret_rotated',
          resourceType: 'tenant',
          resourceId: row.id,
          metadata: { fromKeyId: row.secretKeyId, toKeyId: activeKeyId },
        });
        return true;
      });
      if (replaced) report.reencrypted[row.secretKeyId] = (report.reencrypted[row.secretKeyId] ?? 0) + 1;
      else report.changedMeanwhile += 1;
    }
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]!.id;
  }
  report.after = await countSecretsByKey(db);
  return report;
}
