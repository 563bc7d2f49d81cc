import { randomBytes } from 'node:crypto';
import {
  generateKeyRingEnv,
  KeyRingError,
  parseKeyRing,
  SecretUndecryptableError,
  TenantSecretCipher,
} from '../../src/secrets';
import { decryptAesGcm, encryptAesGcm } from '../../src/secrets/aesGcm';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const ring = (active = 'k2') => parseKeyRing(`k1:${key(1)},k2:${key(2)}`, active);
const TENANT = '6f0c7a53-2f55-4c5e-9d3e-0a1b2c3d4e5f';
const OTHER_TENANT = '0e9d8c7b-6a59-4483-a2b1-c0d9e8f7a6b5';

/** The error `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** The ciphertext with one bit of its tag changed (a text edit could leave the bytes as they are). */
function flipLastByte(ciphertext: string): string {
  const raw = Buffer.from(ciphertext.slice('v1:'.length), 'base64url');
  raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
  return `v1:${raw.toString('base64url')}`;
}

describe('AES-256-GCM', () => {
  const aesKey = randomBytes(32);
  const aad = Buffer.from('context');

  it('round-trips, with a fresh IV every time', () => {
    const first = encryptAesGcm(aesKey, 'pässwörd ✓', aad);
    const second = encryptAesGcm(aesKey, 'pässwörd ✓', aad);
    expect(first).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(first).not.toEqual(second);
    expect(decryptAesGcm(aesKey, first, aad)).toBe('pässwörd ✓');
    expect(decryptAesGcm(aesKey, second, aad)).toBe('pässwörd ✓');
  });

  it('refuses a tampered ciphertext, another key, other AAD, and text that is not a ciphertext', () => {
    const text = encryptAesGcm(aesKey, 'secret', aad);
    const raw = Buffer.from(text.slice(3), 'base64url');
    for (const index of [0, 12, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[index] = (tampered[index] ?? 0) ^ 1;
      expect(() => decryptAesGcm(aesKey, `v1:${tampered.toString('base64url')}`, aad)).toThrow(
        'authentication failed',
      );
    }
    expect(() => decryptAesGcm(randomBytes(32), text, aad)).toThrow('authentication failed');
    expect(() => decryptAesGcm(aesKey, text, Buffer.from('other'))).toThrow('authentication failed');
    expect(() => decryptAesGcm(aesKey, 'secret', aad)).toThrow('not a v1 ciphertext');
    expect(() => decryptAesGcm(aesKey, 'v1:AAAA', aad)).toThrow('too short');
  });
});

describe('TenantSecretCipher', () => {
  const cipher = new TenantSecretCipher(ring());

  it('encrypts under the active key and decrypts its own output', () => {
    const stored = cipher.encrypt(TENANT, 'client-secret-value');
    expect(stored.secretKeyId).toBe('k2');
    expect(stored.clientSecret).not.toContain('client-secret-value');
    expect(cipher.decrypt({ id: TENANT, ...stored })).toBe('client-secret-value');
    expect(cipher.isCurrent(stored)).toBe(true);
  });

  it('decrypts what an older key of the ring encrypted, and reads `plain` rows as they are', () => {
    const old = new TenantSecretCipher(ring('k1')).encrypt(TENANT, 'older');
    expect(cipher.isCurrent(old)).toBe(false);
    expect(cipher.decrypt({ id: TENANT, ...old })).toBe('older');
    expect(cipher.decrypt({ id: TENANT, clientSecret: 'legacy', secretKeyId: 'plain' })).toBe('legacy');
  });

  it('refuses a relabelled key id, another tenant, an unknown key and tampering: secret_undecryptable', () => {
    const stored = cipher.encrypt(TENANT, 'the-plaintext');
    const cases = [
      { id: TENANT, ...stored, secretKeyId: 'k1' },
      { id: OTHER_TENANT, ...stored },
      { id: TENANT, ...stored, secretKeyId: 'k9' },
      { id: TENANT, ...stored, clientSecret: flipLastByte(stored.clientSecret) },
    ];
    for (const row of cases) {
      const error = thrown(() => cipher.decrypt(row));
      expect(error).toBeInstanceOf(SecretUndecryptableError);
      expect((error as SecretUndecryptableError).code).toBe('secret_undecryptable');
      expect(error.message).toContain(row.id);
      expect(error.message).not.toContain('the-plaintext');
      expect(error.message).not.toContain(key(1));
      expect(error.message).not.toContain(key(2));
    }
    expect(thrown(() => cipher.decrypt(cases[2]!)).message).toContain('"k9"');
  });
});

describe('parseKeyRing', () => {
  it('reads comma-separated keyId:base64 entries (standard or url-safe base64, spaces around)', () => {
    const urlSafe = Buffer.alloc(32, 0xfb).toString('base64url');
    const parsed = parseKeyRing(` k1:${key(1)} , k2.2025-01:${urlSafe} `, 'k2.2025-01');
    expect(parsed.activeKeyId).toBe('k2.2025-01');
    expect(parsed.keyIds).toEqual(['k1', 'k2.2025-01']);
    expect(parsed.key('k2.2025-01')).toEqual(Buffer.alloc(32, 0xfb));
  });

  it('serializes to key ids only', () => {
    const text = JSON.stringify({ ring: ring() });
    expect(text).toBe('{"ring":{"activeKeyId":"k2","keyIds":["k1","k2"]}}');
  });

  it.each([
    ['', 'k1', /no keys/],
    [`k1${key(1)}`, 'k1', /entry 1: expected keyId:base64key/],
    [`k1:${key(1)},:${key(2)}`, 'k1', /entry 2: expected keyId:base64key/],
    [`plain:${key(1)}`, 'plain', /"plain" is reserved/],
    [`k1:${key(1)},k1:${key(2)}`, 'k1', /"k1" appears twice/],
    [`k1:${Buffer.alloc(16, 1).toString('base64')}`, 'k1', /key "k1" must be 32 random bytes/],
    [`k1:${key(1).slice(0, -2)}!!`, 'k1', /key "k1" must be 32 random bytes/],
    [`k1:${key(1)}`, 'k2', /"k2" is not one of the keys in SECRET_ENCRYPTION_KEYS \(k1\)/],
  ])('rejects %j (active %s) without echoing key material', (spec, active, message) => {
    const error = thrown(() => parseKeyRing(spec, active));
    expect(error).toBeInstanceOf(KeyRingError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(key(1));
    expect(error.message).not.toContain(key(1).slice(0, 20));
  });

  it('generates a usable random ring', () => {
    const first = generateKeyRingEnv('dev-1');
    const second = generateKeyRingEnv('dev-1');
    expect(first.SECRET_ENCRYPTION_KEYS).not.toEqual(second.SECRET_ENCRYPTION_KEYS);
    const generated = parseKeyRing(first.SECRET_ENCRYPTION_KEYS, first.SECRET_ENCRYPTION_KEY_ID);
    expect(generated.key('dev-1')).toHaveLength(32);
  });
});
