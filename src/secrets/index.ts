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
export { SecretUndecryptableError } from './errors';
export { type StoredSecret, TenantSecretCipher } from './tenantSecrets';
export { type ChannelSecretSlot, ChannelSecretCipher, type StoredChannelSecret } from './channelSecrets';
export {
  FINGERPRINT_PREFIX,
  SettingValueCipher,
  type StoredSettingValue,
} from './settingValues';
export { OffsiteCredentialCipher, type StoredOffsiteCredentials } from './offsiteCredentials';
