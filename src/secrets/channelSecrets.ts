// Notification channel secrets at rest: a webhook's whsec_ signing secret (and the previous one
// during a rotation), a Teams Workflows URL (its query carries the signature that authorizes
// posting). Same keys and cipher as tenant client secrets; the additional authenticated data
// binds a ciphertext to its key id, channel and slot, so it cannot be moved to another channel
// or swapped between current and previous.
import { DecryptionError, decryptAesGcm, encryptAesGcm } from './aesGcm';
import { SecretUndecryptableError } from './errors';
import type { SecretKeyRing } from './keyRing';

export type ChannelSecretSlot = 'current' | 'previous';

export interface StoredChannelSecret {
  ciphertext: string;
  keyId: string;
}

export class ChannelSecretCipher {
  constructor(private readonly ring: SecretKeyRing) {}

  get activeKeyId(): string {
    return this.ring.activeKeyId;
  }

  encrypt(channelId: string, plaintext: string, slot: ChannelSecretSlot = 'current'): StoredChannelSecret {
    const keyId = this.ring.activeKeyId;
    const key = this.ring.key(keyId)!;
    return { ciphertext: encryptAesGcm(key, plaintext, aadOf(keyId, channelId, slot)), keyId };
  }

  decrypt(channelId: string, stored: StoredChannelSecret, slot: ChannelSecretSlot = 'current'): string {
    const key = this.ring.key(stored.keyId);
    if (!key)
      throw new SecretUndecryptableError(
        `the secret of notification channel ${channelId} is encrypted with key "${stored.keyId}", which SECRET_ENCRYPTION_KEYS does not hold`,
      );
    try {
      return decryptAesGcm(key, stored.ciphertext, aadOf(stored.keyId, channelId, slot));
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      throw new SecretUndecryptableError(
        `the secret of notification channel ${channelId} does not decrypt with key "${stored.keyId}" (${error.message})`,
      );
    }
  }
}

function aadOf(keyId: string, channelId: string, slot: ChannelSecretSlot): Buffer {
  return Buffer.from(
    JSON.stringify(['tenantvault.notification-channel-secret.v1', keyId, channelId, slot]),
    'utf8',
  );
}
