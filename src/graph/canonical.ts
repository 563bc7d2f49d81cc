import { createHash } from 'node:crypto';
import { type ArrayRule, arrayRuleAt, arrayRulesOf } from './arrayRules';
import { isPolicyTypeKey, POLICY_TYPES, volatileFieldsOf } from './policyTypes';
import { escapeStoredText } from './storedText';

export interface CanonicalPayload {
  json: string;
  sha256: string;
  sizeBytes: number;
}

/** What a type's canonical form leaves out and how it orders arrays (./arrayRules.ts). */
export interface CanonicalForm {
  volatileFields: readonly string[];
  volatile: ReadonlySet<string>;
  arrays: ReadonlyMap<string, ArrayRule>;
  /**
   * The canonical text of every object and array of one payload, by node, filled as it is
   * serialized: the diff asks for the text of each subtree it compares, and without this would
   * serialize the same subtrees again at every level (bench:diff).
   */
  memo?: WeakMap<object, string>;
}

const NO_RULES: ReadonlyMap<string, ArrayRule> = new Map();
const volatileSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function volatileSet(fields: readonly string[]): ReadonlySet<string> {
  let set = volatileSets.get(fields);
  if (set === undefined) {
    set = new Set(fields);
    volatileSets.set(fields, set);
  }
  return set;
}

/**
 * The canonical form of one object of a registry type: its volatile fields (Microsoft's content
 * too for Microsoft's objects) and the type's array rules. A type the registry does not know
 * keeps every field and the common array rules.
 */
export function canonicalFormOf(policyType: string, payload: unknown): CanonicalForm {
  const volatileFields =
    isPolicyTypeKey(policyType) && typeof payload === 'object' && payload !== null
      ? volatileFieldsOf(POLICY_TYPES[policyType], payload as Record<string, unknown>)
      : [];
  return { volatileFields, volatile: volatileSet(volatileFields), arrays: arrayRulesOf(policyType) };
}

/** The canonical payload of one object of a registry type: the one way to hash a policy. */
export function canonicalizePolicy(policyType: string, payload: unknown): CanonicalPayload {
  const form = canonicalFormOf(policyType, payload);
  return canonicalize(payload, form.volatileFields, form.arrays);
}

/**
 * Deterministic JSON for hashing and deduplicating payloads: the same configuration must give the
 * same bytes however Graph ordered the properties or annotated the response. Arrays whose order
 * means nothing in Graph are sorted (`arrays`, ./arrayRules.ts): identity arrays by their key,
 * then by element text (elements with the same key); sets by element text. Every other array
 * keeps its order, which can be meaningful (e.g. ordered rule lists). Nothing is deduplicated.
 * Keys and strings PostgreSQL cannot store (U+0000, unpaired surrogates) are written in the
 * reversible escape of ./storedText.ts.
 */
export function canonicalize(
  payload: unknown,
  volatileFields: readonly string[],
  arrays: ReadonlyMap<string, ArrayRule> = NO_RULES,
  memo?: WeakMap<object, string>,
): CanonicalPayload {
  const json = serialize(payload, { volatile: volatileSet(volatileFields), arrays, memo }, '', '') ?? 'null';
  return {
    json,
    sha256: createHash('sha256').update(json, 'utf8').digest('hex'),
    sizeBytes: Buffer.byteLength(json, 'utf8'),
  };
}

/**
 * The canonical text of a value found at `property` of an object held by `parent` (the names
 * the array rules are looked up by): the diff orders and compares elements with it.
 */
export function canonicalTextAt(
  value: unknown,
  form: Pick<CanonicalForm, 'volatile' | 'arrays' | 'memo'>,
  parent: string,
  property: string,
): string {
  return serialize(value, form, property, parent) ?? 'null';
}

/** The key an identity rule matches an element by (the key paths' values, in order). */
export function identityKeyOf(element: unknown, keys: readonly string[]): string {
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const value = valueAtPath(element, keys[i] as string);
    // null and absent are one state (docs/api.md "Field-level changes"), so one key.
    out += `${i === 0 ? '' : '\u0001'}${value === undefined || value === null ? '' : JSON.stringify(value)}`;
  }
  return out;
}

/**
 * What Graph gives an object and each of its elements (assignments, definition values, scheduled
 * actions) itself, at any depth: ids, creation times, versions, and assignments' sourceId. They
 * identify, they do not configure: a re-created object gets new ones (restored changes leave them
 * out) and as-built documentation does not list them as settings.
 */
export const SERVER_IDENTITY_PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'createdDateTime',
  'version',
  'sourceId',
]);

/** The value at a path of property names inside a value (undefined when any step is missing). */
export function valueAtSegments(value: unknown, segments: readonly string[]): unknown {
  let at = value;
  for (const segment of segments) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[segment];
  }
  return at;
}

/** The value at a '/'-separated path (the registry's identity keys). */
export function valueAtPath(value: unknown, path: string): unknown {
  return valueAtSegments(value, path.split('/'));
}

// `@odata.context`, `@odata.nextLink`, `@odata.etag`, `settings@odata.count` and the like describe
// the response, not the object. `@odata.type` names the derived type and is part of the object.
export function isDroppedKey(key: string, volatile: ReadonlySet<string>): boolean {
  if (volatile.has(key)) return true;
  const at = key.indexOf('@odata.');
  return at !== -1 && key.slice(at) !== '@odata.type';
}

interface Context {
  volatile: ReadonlySet<string>;
  arrays: ReadonlyMap<string, ArrayRule>;
  memo?: WeakMap<object, string> | undefined;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byKeyThenText = (a: [string, string], b: [string, string]): number =>
  byText(a[0], b[0]) || byText(a[1], b[1]);

// Hand-written rather than JSON.stringify on a re-ordered object: JS objects always enumerate
// integer-like keys ("2", "10") first in numeric order, which would break plain code-unit sorting.
// `property` names the value (an array's elements share its name), `parent` the object's holder.
function serialize(value: unknown, ctx: Context, property: string, parent: string): string | undefined {
  if (value === null) return 'null';
  if (ctx.memo !== undefined && typeof value === 'object') {
    let text = ctx.memo.get(value);
    if (text === undefined) {
      text = serializeNode(value, { ...ctx, memo: ctx.memo }, property, parent) ?? 'null';
      ctx.memo.set(value, text);
    }
    return text;
  }
  return serializeNode(value, ctx, property, parent);
}

function serializeNode(value: unknown, ctx: Context, property: string, parent: string): string | undefined {
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((value as { toJSON: () => unknown }).toJSON(), ctx, property, parent);
  }
  if (Array.isArray(value)) {
    const rule = value.length > 1 ? arrayRuleAt(ctx.arrays, parent, property) : undefined;
    if (rule !== undefined) return serializeUnordered(value, rule, ctx, property, parent);
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      out += `${i === 0 ? '' : ','}${serialize(value[i], ctx, property, parent) ?? 'null'}`;
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
        if (isDroppedKey(key, ctx.volatile)) continue;
        const text = serialize(record[key], ctx, key, property);
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

// Sorted copies, never deduplicated: a sort is stable, and equal texts are equal elements.
function serializeUnordered(
  value: readonly unknown[],
  rule: ArrayRule,
  ctx: Context,
  property: string,
  parent: string,
): string {
  const texts = value.map((element) => serialize(element, ctx, property, parent) ?? 'null');
  if (rule.kind === 'set') return `[${texts.sort(byText).join(',')}]`;
  const keyed = value.map((element, i): [string, string] => [
    identityKeyOf(element, rule.keys),
    texts[i] as string,
  ]);
  return `[${keyed
    .sort(byKeyThenText)
    .map((entry) => entry[1])
    .join(',')}]`;
}
