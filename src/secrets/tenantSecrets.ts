// Tenant Graph client secrets at rest. The API encrypts on every write; only the worker decrypts,
// where it builds the Graph credentials. The additional authenticated data binds a ciphertext
// to its key id and tenant: relabelling it with another key id, or copying it into another
// tenant's row, makes it undecryptable instead of silently usable.
import { DecryptionError, decryptAesGcm, encryptAesGcm } from './aesGcm';
import { SecretUndecryptableError } from './errors';
import { PLAIN_KEY_ID, type SecretKeyRing } from './keyRing';
import { ChannelSecretCipher } from './channelSecrets';
import { OffsiteCredentialCipher } from './offsiteCredentials';
import { SettingValueCipher } from './settingValues';

/** The stored form: the tenants table's client_secret_ciphertext and client_secret_key_id. */
export interface StoredSecret {
  clientSecret: string;
  secretKeyId: string;
}

export class TenantSecretCipher {
  /** The same keys for the tenant's Intune setting values that Intune stores encrypted. */
  readonly settingValues: SettingValueCipher;
  /** The same keys for notification channel secrets (whsec_ signing secrets, Teams URLs). */
  readonly channels: ChannelSecretCipher;
  /** The same keys for offsite destination credentials (connection strings, SAS, S3 keys). */
  readonly offsite: OffsiteCredentialCipher;

  constructor(private readonly ring: SecretKeyRing) {
    this.settingValues = new SettingValueCipher(ring);
    this.channels = new ChannelSecretCipher(ring);
    this.offsite = new OffsiteCredentialCipher(ring);
  }

  get activeKeyId(): string {
    return this.ring.activeKeyId;
  }

  /** The stored form of a new secret of this tenant, under the active key. */
  encrypt(tenantId: string, plaintext: string): StoredSecret {
    const keyId = this.ring.activeKeyId;
    const key = this.ring.key(keyId)!;
    return { clientSecret: encryptAesGcm(key, plaintext, aadOf(keyId, tenantId)), secretKeyId: keyId };
  }

  /** The plaintext of a tenant's stored secret; rows from before encryption (`plain`) as they are. */
  decrypt(tenant: { id: string } & StoredSecret): string {
    const { id, clientSecret, secretKeyId } = tenant;
    if (secretKeyId === PLAIN_KEY_ID) return clientSecret;
    const key = this.ring.key(secretKeyId);
    if (!key) {
      throw new SecretUndecryptableError(
        `the client secret of tenant ${id} is encrypted with key "${secretKeyId}", which SECRET_ENCRYPTION_KEYS does not hold`,
      );
    }
    try {
      return decryptAesGcm(key, clientSecret, aadOf(secretKeyId, id));
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      throw new SecretUndecryptableError(
        `the client secret of tenant ${id} does not decrypt with key "${secretKeyId}" (${error.message})`,
      );
    }
  }

  /** Whether the stored secret is under the active key (rotation skips it). */
  isCurrent(stored: StoredSecret): boolean {
    return stored.secretKeyId === this.ring.activeKeyId;
  }
}

function aadOf(keyId: string, tenantId: string): Buffer {
  return Buffer.from(JSON.stringify(['tenantvault.tenant-client-secret.v1', keyId, tenantId]), 'utf8');
}
