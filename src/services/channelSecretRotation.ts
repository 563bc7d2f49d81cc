// Re-encrypts every notification channel secret (the webhook's whsec_ signing secret, current and
// previous, or the Teams URL) that is not under the active key, beside the client secrets' and
// setting values' passes (secretRotation.ts, settingValueRotation.ts). Idempotent and resumable
// like them: rows whose secrets are all under the active key are not read, and each channel is
// replaced in its own transaction with its audit row, only if it still holds what was read.
import { appendAudit } from '../db/audit';
import type { Db } from '../db/client';
import {
  type ChannelSecretsRow,
  countChannelSecretsByKey,
  listChannelSecretsNotUnderKey,
  replaceChannelSecrets,
} from '../db/notificationChannels';
import { type ChannelSecretCipher, type ChannelSecretSlot, SecretUndecryptableError } from '../secrets';

export interface ChannelSecretRotationReport {
  /** Secrets (current and previous slots) per key id before and after the pass. */
  before: Record<string, number>;
  after: Record<string, number>;
  /** Secrets re-encrypted, by the key id they were under. */
  reencrypted: Record<string, number>;
  /** Channels changed through the API while this pass ran: left as written. */
  changedMeanwhile: number;
  /** Channels with a secret no key of the ring decrypts (key missing, tampered): ids only. */
  undecryptable: string[];
}

/** The two secret slots of a channel row; a ciphertext is bound to its slot. */
const SLOTS = [
  { slot: 'current', ciphertext: 'secretCiphertext', keyId: 'secretKeyId' },
  { slot: 'previous', ciphertext: 'previousSecretCiphertext', keyId: 'previousSecretKeyId' },
] as const satisfies readonly { slot: ChannelSecretSlot; ciphertext: string; keyId: string }[];

type SecretColumns = Omit<ChannelSecretsRow, 'id' | 'tenantId' | 'updatedAt'>;

export async function rotateChannelSecrets(
  db: Db,
  cipher: ChannelSecretCipher,
  opts: { batchSize?: number } = {},
): Promise<ChannelSecretRotationReport> {
  const activeKeyId = cipher.activeKeyId;
  const report: ChannelSecretRotationReport = {
    before: await countChannelSecretsByKey(db),
    after: {},
    reencrypted: {},
    changedMeanwhile: 0,
    undecryptable: [],
  };
  let afterId: string | undefined;
  for (;;) {
    const rows = await listChannelSecretsNotUnderKey(db, activeKeyId, {
      limit: opts.batchSize ?? 100,
      afterId,
    });
    for (const row of rows) {
      let next: SecretColumns;
      try {
        next = reencrypted(cipher, row);
      } catch (error) {
        if (!(error instanceof SecretUndecryptableError)) throw error;
        report.undecryptable.push(row.id);
        continue;
      }
      const fromKeyIds = SLOTS.filter((s) => row[s.keyId] !== null && row[s.keyId] !== activeKeyId).map(
        (s) => row[s.keyId]!,
      );
      const replaced = await db.$transaction(async (tx) => {
        if (!(await replaceChannelSecrets(tx, row, next))) return false;
        await appendAudit(tx, {
          tenantId: row.tenantId,
          actor: 'operator',
          action: 'notification_channel.secret_reencrypted',
          resourceType: 'notification_channel',
          resourceId: row.id,
          metadata: {
            fromKeyId: row.secretKeyId,
            previousFromKeyId: row.previousSecretKeyId,
            toKeyId: activeKeyId,
          },
        });
        return true;
      });
      if (!replaced) report.changedMeanwhile += 1;
      else for (const keyId of fromKeyIds) report.reencrypted[keyId] = (report.reencrypted[keyId] ?? 0) + 1;
    }
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]!.id;
  }
  report.after = await countChannelSecretsByKey(db);
  return report;
}

/** The row's secrets with every slot not under the active key re-encrypted; others kept as they are. */
function reencrypted(cipher: ChannelSecretCipher, row: ChannelSecretsRow): SecretColumns {
  const next: SecretColumns = {
    secretCiphertext: row.secretCiphertext,
    secretKeyId: row.secretKeyId,
    previousSecretCiphertext: row.previousSecretCiphertext,
    previousSecretKeyId: row.previousSecretKeyId,
  };
  for (const { slot, ciphertext, keyId } of SLOTS) {
    const stored = row[ciphertext];
    const storedKeyId = row[keyId];
    if (stored === null || storedKeyId === null || storedKeyId === cipher.activeKeyId) continue;
    const plaintext = cipher.decrypt(row.id, { ciphertext: stored, keyId: storedKeyId }, slot);
    const sealed = cipher.encrypt(row.id, plaintext, slot);
    next[ciphertext] = sealed.ciphertext;
    next[keyId] = sealed.keyId;
  }
  return next;
}
