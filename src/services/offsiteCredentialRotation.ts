// Re-encrypts every offsite destination's credentials that are not under the active key, beside
// the other passes of rotate-secret-key (channelSecretRotation.ts and its siblings). Idempotent
// and resumable like them: each destination is replaced in its own transaction with its audit
// row, only if it still holds the ciphertext that was read (a PUT meanwhile wins).
import { appendAudit } from '../db/audit';
import type { Db } from '../db/client';
import {
  countDestinationsByKey,
  destinationsNotUnderKey,
  replaceCredentialsIfUnchanged,
} from '../db/offsiteDestinations';
import { type OffsiteCredentialCipher, SecretUndecryptableError } from '../secrets';

export interface OffsiteCredentialRotationReport {
  before: Record<string, number>;
  after: Record<string, number>;
  reencrypted: number;
  changedMeanwhile: number;
  /** Tenants whose credentials no key of the ring decrypts: ids only. */
  undecryptable: string[];
}

export async function rotateOffsiteCredentials(
  db: Db,
  cipher: OffsiteCredentialCipher,
  opts: { batchSize?: number } = {},
): Promise<OffsiteCredentialRotationReport> {
  const report: OffsiteCredentialRotationReport = {
    before: await countsByKey(db),
    after: {},
    reencrypted: 0,
    changedMeanwhile: 0,
    undecryptable: [],
  };
  let afterTenantId: string | undefined;
  for (;;) {
    const rows = await destinationsNotUnderKey(db, cipher.activeKeyId, opts.batchSize ?? 100, afterTenantId);
    for (const row of rows) {
      const read = { ciphertext: row.credentialsCiphertext, keyId: row.credentialsKeyId };
      let next: { ciphertext: string; keyId: string };
      try {
        next = cipher.reencrypt(row.tenantId, read);
      } catch (error) {
        if (!(error instanceof SecretUndecryptableError)) throw error;
        report.undecryptable.push(row.tenantId);
        continue;
      }
      const replaced = await db.$transaction(async (tx) => {
        if (!(await replaceCredentialsIfUnchanged(tx, row.tenantId, read, next))) return false;
        await appendAudit(tx, {
          tenantId: row.tenantId,
          actor: 'operator',
          action: 'offsite_destination.credentials_reencrypted',
          resourceType: 'offsite_destination',
          resourceId: row.tenantId,
          metadata: { fromKeyId: read.keyId, toKeyId: next.keyId },
        });
        return true;
      });
      if (replaced) report.reencrypted += 1;
      else report.changedMeanwhile += 1;
    }
    if (rows.length === 0) break;
    afterTenantId = rows[rows.length - 1]!.tenantId;
  }
  report.after = await countsByKey(db);
  return report;
}

async function countsByKey(db: Db): Promise<Record<string, number>> {
  const groups = await countDestinationsByKey(db);
  return Object.fromEntries(groups.map((group) => [group.credentialsKeyId, group._count._all]));
}
