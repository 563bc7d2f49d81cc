// Intune setting values that Intune itself stores encrypted (encrypted OMA-URI values), read
// with the tenant's write permission. A payload never holds one: it holds a fingerprint, and the
// value is kept encrypted beside it (table encrypted_setting_values) for a future restore.
//
// The fingerprint is an HMAC-SHA256 of the value under a key derived (HKDF) from the active key
// and the tenant id, so an unchanged value gives the same payload (no false "modified"), a
// changed one a different opaque string, and a stolen database alone cannot test guesses.
// Changing the active key changes every fingerprint once (those policies show "modified" once).
import { createHmac, hkdfSync } from 'node:crypto';
import { DecryptionError, decryptAesGcm, encryptAesGcm } from './aesGcm';
import type { SecretKeyRing } from './keyRing';
import { SecretUndecryptableError } from './errors';

export const FINGERPRINT_PREFIX = 'tenantvault-secret:v1:';

/** One stored value: the row of encrypted_setting_values. */
export interface StoredSettingValue {
  tenantId: string;
  fingerprint: string;
  ciphertext: string;
  keyId: string;
}

export class SettingValueCipher {
  constructor(private readonly ring: SecretKeyRing) {}

  get activeKeyId(): string {
    return this.ring.activeKeyId;
  }

  /** The string a payload holds instead of the value: `tenantvault-secret:v1:<64 hex>`. */
  fingerprint(tenantId: string, plaintext: string): string {
    const key = Buffer.from(
      hkdfSync('sha256', this.activeKey(), tenantId, 'tenantvault.setting-value-fingerprint.v1', 32),
    );
    return FINGERPRINT_PREFIX + createHmac('sha256', key).update(plaintext, 'utf8').digest('hex');
  }

  /** The fingerprint and the encrypted value, under the active key. */
  seal(tenantId: string, plaintext: string): StoredSettingValue {
    const keyId = this.ring.activeKeyId;
    const fingerprint = this.fingerprint(tenantId, plaintext);
    const ciphertext = encryptAesGcm(this.activeKey(), plaintext, aadOf(keyId, tenantId, fingerprint));
    return { tenantId, fingerprint, ciphertext, keyId };
  }

  /** The same value under the active key, keeping its fingerprint (rotate-secret-key). */
  reencrypt(stored: StoredSettingValue): StoredSettingValue {
    const keyId = this.ring.activeKeyId;
    const { tenantId, fingerprint } = stored;
    const ciphertext = encryptAesGcm(
      this.activeKey(),
      this.open(stored),
      aadOf(keyId, tenantId, fingerprint),
    );
    return { tenantId, fingerprint, ciphertext, keyId };
  }

  /** The value of a stored row; SecretUndecryptableError (naming no secret) when it cannot be. */
  open(stored: StoredSettingValue): string {
    const { tenantId, fingerprint, ciphertext, keyId } = stored;
    const key = this.ring.key(keyId);
    if (!key) {
      throw new SecretUndecryptableError(
        `an encrypted setting value of tenant ${tenantId} is under key "${keyId}", which SECRET_ENCRYPTION_KEYS does not hold`,
      );
    }
    try {
      return decryptAesGcm(key, ciphertext, aadOf(keyId, tenantId, fingerprint));
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      throw new SecretUndecryptableError(
        `an encrypted setting value of tenant ${tenantId} does not decrypt with key "${keyId}" (${error.message})`,
      );
    }
  }

  private activeKey(): Buffer {
    return this.ring.key(this.ring.activeKeyId)!;
  }
}

// Binds the ciphertext to its key id, tenant and fingerprint: copied to another row, it fails.
function aadOf(keyId: string, tenantId: string, fingerprint: string): Buffer {
  return Buffer.from(JSON.stringify(['tenantvault.setting-value.v1', keyId, tenantId, fingerprint]), 'utf8');
}
