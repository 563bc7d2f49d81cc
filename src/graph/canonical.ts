import { createHash } from 'node:crypto';
import { escapeStoredText } from './storedText';

export interface CanonicalPayload {
  json: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * Deterministic JSON for hashing and deduplicating payloads: the same configuration must give the
 * same bytes however Graph ordered the properties or annotated the response. Array order is kept
 * because it can be meaningful (e.g. ordered rule lists). Keys and strings PostgreSQL cannot store
 * (U+0000, unpaired surrogates) are written in the reversible escape of ./storedText.ts.
 */
export function canonicalize(payload: unknown, volatileFields: readonly string[]): CanonicalPayload {
  const json = serialize(payload, new Set(volatileFields)) ?? 'null';
  return {
    json,
    sha256: createHash('sha256').update(json, 'utf8').digest('hex'),
    sizeBytes: Buffer.byteLength(json, 'utf8'),
  };
}

// `@odata.context`, `@odata.nextLink`, `@odata.etag`, `settings@odata.count` and the like describe
// the response, not the object. `@odata.type` names the derived type and is part of the object.
function isDroppedKey(key: string, volatile: ReadonlySet<string>): boolean {
  if (volatile.has(key)) return true;
  const at = key.indexOf('@odata.');
  return at !== -1 && key.slice(at) !== '@odata.type';
}

// Hand-written rather than JSON.stringify on a re-ordered object: JS objects always enumerate
// integer-like keys ("2", "10") first in numeric order, which would break plain code-unit sorting.
function serialize(value: unknown, volatile: ReadonlySet<string>): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((value as { toJSON: () => unknown }).toJSON(), volatile);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      out += `${i === 0 ? '' : ','}${serialize(value[i], volatile) ?? 'null'}`;
    }
    return `${out}]`;
  }
  switch (typeof value) {
    case 'object': {
      // Concatenation rather than parts.join: this runs for every node of every payload, and the
      // arrays were most of the sync's garbage (bench:sync).
      const record = value as Record<string, unknown>;
      let out = '{';
      for (const key of Object.keys(record).sort()) {
        if (isDroppedKey(key, volatile)) continue;
        const text = serialize(record[key], volatile);
        if (text !== undefined)
          out += `${out.length === 1 ? '' : ','}${JSON.stringify(escapeStoredText(key))}:${text}`;
      }
      return `${out}}`;
    }
    case 'string':
      return JSON.stringify(escapeStoredText(value));
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('canonicalize: bigint values are not JSON');
    default:
      // undefined, functions and symbols: omitted like JSON.stringify does.
      return undefined;
  }
}
