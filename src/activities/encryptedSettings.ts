// Values Intune stores encrypted (src/graph/encryptedSettings.ts), between the fetch and the page
// write: a value read is replaced in the payload by its fingerprint and kept encrypted beside it
// (src/secrets/settingValues.ts); a value that could not be read makes its policy a warning of
// the type's summary. Pure but for the cipher, so it is unit-tested.
import type { EncryptedSettingRule, FetchedPolicy, GraphObject } from '../graph';
import type { SettingValueCipher, StoredSettingValue } from '../secrets';
import type { PolicyTypeWarning } from '../shared/types';

/**
 * The most policies a warning names; its count is exact. A run summary travels through Temporal
 * (2 MB per payload), and a tenant with thousands of such policies should not fail its runs.
 */
export const MAX_WARNING_POLICIES = 500;

/**
 * The payload as stored: each encrypted value that was read replaced by its fingerprint (the
 * rest as Graph sent it, `isEncrypted` and `secretReferenceValueId` included), and the values to
 * store before it. The plain texts end here.
 */
export function sealEncryptedSettings(
  policy: FetchedPolicy,
  rule: EncryptedSettingRule | undefined,
  seal: { tenantId: string; cipher: SettingValueCipher },
): { payload: GraphObject; values: StoredSettingValue[] } {
  const read = policy.encryptedSettings;
  if (!rule || !read?.readable) return { payload: policy.payload, values: [] };
  const settings = [...(policy.payload[rule.property] as unknown[])];
  const values: StoredSettingValue[] = [];
  for (const [index, plainText] of read.plainTexts) {
    const sealed = seal.cipher.seal(seal.tenantId, plainText);
    settings[index] = { ...(settings[index] as GraphObject), value: sealed.fingerprint };
    values.push(sealed);
  }
  return { payload: { ...policy.payload, [rule.property]: settings }, values };
}

/** Whether the policy has encrypted values the fetch could not read. */
export function hasUnreadableValues(policy: FetchedPolicy): boolean {
  return policy.encryptedSettings?.readable === false;
}

/** The type's warning for its policies with unreadable values (graph id → display name), if any. */
export function unreadableValuesWarning(
  rule: EncryptedSettingRule | undefined,
  policies: ReadonlyMap<string, string>,
): PolicyTypeWarning | undefined {
  if (!rule || policies.size === 0) return undefined;
  return {
    code: 'encrypted_values_not_readable',
    message: `${rule.permission} not granted: ${rule.unreadableMessage}`,
    requiredPermission: rule.permission,
    count: policies.size,
    policies: [...policies]
      .slice(0, MAX_WARNING_POLICIES)
      .map(([graphId, displayName]) => ({ graphId, displayName })),
  };
}
