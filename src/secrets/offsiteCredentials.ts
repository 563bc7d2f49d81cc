// Offsite destination credentials at rest (a connection string, a SAS token, an S3 key pair),
// as one JSON text. Same keys and cipher as tenant client secrets; the additional authenticated
// data binds a ciphertext to its key id and tenant, so it cannot be moved to another tenant's
// destination or relabelled with another key id.
import { DecryptionError, decryptAesGcm, encryptAesGcm } from './aesGcm';
import { SecretUndecryptableError } from './errors';
import type { SecretKeyRing } from './keyRing';

export interface StoredOffsiteCredentials {
  ciphertext: string;
  keyId: string;
}

export class OffsiteCredentialCipher {
  constructor(private readonly ring: SecretKeyRing) {}

  get activeKeyId(): string {
    return this.ring.activeKeyId;
  }

  encrypt(tenantId: string, credentials: object): StoredOffsiteCredentials {
    const keyId = this.ring.activeKeyId;
    const key = this.ring.key(keyId)!;
    return { ciphertext: encryptAesGcm(key, JSON.stringify(credentials), aadOf(keyId, tenantId)), keyId };
  }

  /** The credentials object; SecretUndecryptableError (naming the tenant and key id only). */
  decrypt(tenantId: string, stored: StoredOffsiteCredentials): Record<string, string> {
    const key = this.ring.key(stored.keyId);
    if (!key)
      throw new SecretUndecryptableError(
        `the offsite credentials of tenant ${tenantId} are encrypted with key "${stored.keyId}", which SECRET_ENCRYPTION_KEYS does not hold`,
      );
    try {
      return JSON.parse(decryptAesGcm(key, stored.ciphertext, aadOf(stored.keyId, tenantId))) as Record<
        string,
        string
      >;
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      throw new SecretUndecryptableError(
        `the offsite credentials of tenant ${tenantId} do not decrypt with key "${stored.keyId}" (${error.message})`,
      );
    }
  }

  /** The same credentials under the active key (rotate-secret-key). */
  reencrypt(tenantId: string, stored: StoredOffsiteCredentials): StoredOffsiteCredentials {
    return this.encrypt(tenantId, this.decrypt(tenantId, stored));
  }
}

function aadOf(keyId: string, tenantId: string): Buffer {
  return Buffer.from(JSON.stringify(['tenantvault.offsite-credentials.v1', keyId, tenantId]), 'utf8');
}
