export { DecryptionError } from './aesGcm';
export {
  generateKeyRing,
  generateKeyRingEnv,
  type KeyRingEnv,
  KeyRingError,
  PLAIN_KEY_ID,
  parseKeyRing,
  SecretKeyRing,
} from './keyRing';
export { SecretUndecryptableError, type StoredSecret, TenantSecretCipher } from './tenantSecrets';
