// Encrypted Intune setting values at rest: the fingerprint a payload holds instead of the value,
// and the value sealed beside it (src/secrets/settingValues.ts).
import { createHash } from 'node:crypto';
import { parseKeyRing, SecretUndecryptableError, SettingValueCipher } from '../../src/secrets';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const cipher = (active = 'k2', keys = `k1:${key(1)},k2:${key(2)}`) =>
  new SettingValueCipher(parseKeyRing(keys, active));
const TENANT = '6f0c7a53-2f55-4c5e-9d3e-0a1b2c3d4e5f';
const OTHER_TENANT = '0e9d8c7b-6a59-4483-a2b1-c0d9e8f7a6b5';

describe('the fingerprint of a setting value', () => {
  it('is an opaque, deterministic string of the value, tenant and active key', () => {
    const fingerprint = cipher().fingerprint(TENANT, 'p@ss w0rd');
    expect(fingerprint).toMatch(/^tenantvault-secret:v1:[0-9a-f]{64}$/);
    expect(fingerprint).not.toContain('p@ss');
    expect(cipher().fingerprint(TENANT, 'p@ss w0rd')).toBe(fingerprint);
  });

  it('changes with the value, the tenant and the active key', () => {
    const fingerprint = cipher().fingerprint(TENANT, 'value');
    expect(cipher().fingerprint(TENANT, 'value ')).not.toBe(fingerprint);
    expect(cipher().fingerprint(TENANT, '')).not.toBe(fingerprint);
    expect(cipher().fingerprint(OTHER_TENANT, 'value')).not.toBe(fingerprint);
    expect(cipher('k1').fingerprint(TENANT, 'value')).not.toBe(fingerprint);
    // The same active key in another ring: the same fingerprint.
    expect(cipher('k2', `k2:${key(2)}`).fingerprint(TENANT, 'value')).toBe(fingerprint);
  });

  it('is not a plain hash of the value', () => {
    const sha = createHash('sha256').update('value').digest('hex');
    expect(cipher().fingerprint(TENANT, 'value')).not.toContain(sha);
  });
});

describe('a sealed setting value', () => {
  it('opens to the value, with the fingerprint of the value', () => {
    const sealed = cipher().seal(TENANT, 'Zoned ✓ value');
    expect(sealed).toMatchObject({ tenantId: TENANT, keyId: 'k2' });
    expect(sealed.fingerprint).toBe(cipher().fingerprint(TENANT, 'Zoned ✓ value'));
    expect(sealed.ciphertext).not.toContain('Zoned');
    expect(cipher().open(sealed)).toBe('Zoned ✓ value');
    expect(cipher().seal(TENANT, 'Zoned ✓ value').ciphertext).not.toBe(sealed.ciphertext);
  });

  it('still opens after the active key changed, while the ring holds its key', () => {
    const sealed = cipher('k1').seal(TENANT, 'value');
    expect(cipher('k2').open(sealed)).toBe('value');
  });

  it('does not open moved to another tenant, fingerprint or key id, nor without its key', () => {
    const sealed = cipher().seal(TENANT, 'value');
    const other = cipher().seal(TENANT, 'other');
    for (const moved of [
      { ...sealed, tenantId: OTHER_TENANT },
      { ...sealed, fingerprint: other.fingerprint },
      { ...sealed, keyId: 'k1' },
    ]) {
      expect(() => cipher().open(moved)).toThrow(SecretUndecryptableError);
    }
    const missing = () => cipher('k1', `k1:${key(1)}`).open(sealed);
    expect(missing).toThrow(SecretUndecryptableError);
    expect(missing).toThrow(/key "k2"/);
  });
});
