// Encryption keys of tenant secrets for `npm run dev` and `npm test`, so both work on a fresh
// clone with no setup. No key is committed: dev makes a random one per data dir, a test run
// makes its own. SECRET_ENCRYPTION_KEYS/SECRET_ENCRYPTION_KEY_ID in the environment win.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyRingEnv, type KeyRingEnv } from '../secrets';

function fromEnvironment(): KeyRingEnv | undefined {
  const { SECRET_ENCRYPTION_KEYS, SECRET_ENCRYPTION_KEY_ID } = process.env;
  if (!SECRET_ENCRYPTION_KEYS && !SECRET_ENCRYPTION_KEY_ID) return undefined;
  // A half-set pair is passed on as it is, for the services' config check to name.
  return {
    SECRET_ENCRYPTION_KEYS: SECRET_ENCRYPTION_KEYS ?? '',
    SECRET_ENCRYPTION_KEY_ID: SECRET_ENCRYPTION_KEY_ID ?? '',
  };
}

/**
 * The dev stack's keys: a random key made on the first `npm run dev` and kept in `file` (mode
 * 600, under .data/ beside the database it encrypts), so later starts read the same secrets.
 */
export function devSecretKeys(file: string): KeyRingEnv {
  const own = fromEnvironment();
  if (own) return own;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KeyRingEnv;
  const keys = generateKeyRingEnv(`dev-${new Date().toISOString().slice(0, 10)}`);
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/** A test run's keys: random, gone with the run's throwaway database. */
export function testSecretKeys(): KeyRingEnv {
  return fromEnvironment() ?? generateKeyRingEnv(`test-${randomUUID().slice(0, 8)}`);
}
