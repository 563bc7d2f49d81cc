// AES-256-GCM from node:crypto: the platform has everything this needs, so no crypto library.
// Ciphertext text format: `v1:` + base64url(iv ‖ ciphertext ‖ tag), with a random 12-byte IV per
// encryption and the 16-byte tag checked on decryption. The caller's additional authenticated
// data (key id, tenant id) is not stored: decryption under another context fails.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const FORMAT = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {}

export function encryptAesGcm(key: Buffer, plaintext: string, aad: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return FORMAT + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The plaintext; DecryptionError (without details) when the text, key or AAD do not match. */
export function decryptAesGcm(key: Buffer, text: string, aad: Buffer): string {
  if (!text.startsWith(FORMAT)) throw new DecryptionError('not a v1 ciphertext');
  const raw = Buffer.from(text.slice(FORMAT.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('ciphertext too short');
  const decipher = createDecipheriv(ALGORITHM, key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new DecryptionError('authentication failed');
  }
}
