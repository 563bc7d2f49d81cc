// The encryption keys of tenant secrets, from the environment:
//   SECRET_ENCRYPTION_KEYS   = keyId:base64,keyId:base64,…   every key a stored secret may use
//   SECRET_ENCRYPTION_KEY_ID = keyId                        the key new encryptions use
// Error messages name entries and key ids, never key material.
import { randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
/** The key id of rows written before encryption: the column holds the secret itself. */
export const PLAIN_KEY_ID = 'plain';
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class KeyRingError extends Error {
  constructor(
    message: string,
    /** The variable at fault. */
    readonly variable: 'SECRET_ENCRYPTION_KEYS' | 'SECRET_ENCRYPTION_KEY_ID' = 'SECRET_ENCRYPTION_KEYS',
  ) {
    super(message);
  }
}

/**
 * Holds the keys in a private field, so logging or serializing the ring (or a config holding
 * it) shows key ids only.
 */
export class SecretKeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: ReadonlyMap<string, Buffer>,
    readonly activeKeyId: string,
  ) {
    if (!keys.has(activeKeyId)) {
      throw new KeyRingError(
        `the active key "${activeKeyId}" is not in the ring`,
        'SECRET_ENCRYPTION_KEY_ID',
      );
    }
    this.#keys = keys;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** The key with this id; undefined when the ring does not hold it. */
  key(keyId: string): Buffer | undefined {
    return this.#keys.get(keyId);
  }

  toJSON() {
    return { activeKeyId: this.activeKeyId, keyIds: this.keyIds };
  }
}

/** Parses the two variables' values into a ring; throws KeyRingError naming what is wrong. */
export function parseKeyRing(keysSpec: string, activeKeyId: string): SecretKeyRing {
  const keys = new Map<string, Buffer>();
  const entries = keysSpec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new KeyRingError('no keys: expected keyId:base64key entries');
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const keyId = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(keyId)) {
      throw new KeyRingError(
        `entry ${index + 1}: expected keyId:base64key, the key id made of letters, digits, ".", "_" or "-" (at most 64)`,
      );
    }
    if (keyId === PLAIN_KEY_ID) throw new KeyRingError(`entry ${index + 1}: the key id "plain" is reserved`);
    if (keys.has(keyId)) throw new KeyRingError(`the key id "${keyId}" appears twice`);
    keys.set(keyId, decodeKey(keyId, entry.slice(colon + 1)));
  });
  if (!keys.has(activeKeyId)) {
    throw new KeyRingError(
      `"${activeKeyId}" is not one of the keys in SECRET_ENCRYPTION_KEYS (${[...keys.keys()].join(', ')})`,
      'SECRET_ENCRYPTION_KEY_ID',
    );
  }
  return new SecretKeyRing(keys, activeKeyId);
}

function decodeKey(keyId: string, encoded: string): Buffer {
  const key = Buffer.from(encoded, 'base64');
  // Buffer.from skips characters that are not base64; a typo must not pass as a shorter key.
  const canonical = key.toString('base64') === encoded || key.toString('base64url') === encoded;
  if (!canonical || key.length !== KEY_BYTES) {
    throw new KeyRingError(
      `key "${keyId}" must be ${KEY_BYTES} random bytes in base64 (openssl rand -base64 32)`,
    );
  }
  return key;
}

export interface KeyRingEnv {
  SECRET_ENCRYPTION_KEYS: string;
  SECRET_ENCRYPTION_KEY_ID: string;
}

/** A fresh random key as the two variables, for dev data dirs and test runs. */
export function generateKeyRingEnv(keyId: string): KeyRingEnv {
  return {
    SECRET_ENCRYPTION_KEYS: `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`,
    SECRET_ENCRYPTION_KEY_ID: keyId,
  };
}

/** A ring of one fresh random key, for a process's own throwaway data (benchmarks, tests). */
export function generateKeyRing(keyId: string): SecretKeyRing {
  const env = generateKeyRingEnv(keyId);
  return parseKeyRing(env.SECRET_ENCRYPTION_KEYS, env.SECRET_ENCRYPTION_KEY_ID);
}
