// Payloads of two tenants name the same group, filter, scope tag or location by different ids.
// Before they are compared, every id a reference rule (src/references/rules.ts) finds is replaced
// by "<kind>:<name>" of the object as the set's backup_set_references resolved it, so the same
// name in two tenants compares equal. An id the set holds no name for (missing, unreadable, not
// captured) becomes "<kind>:(unresolved)" and is listed as unresolved; the compare drops every
// difference that involves a kind of reference unresolved on either side (../db/baselineCompare.ts),
// so an unknown name never shows as a difference.
// An id both payloads hold is the same object (ids are unique across tenants) and gets the same
// token on both sides, even if it was renamed between the two sets. The objects' own ids (the
// policy's, its assignments') differ between tenants by construction and are left out.
import type { FieldChange } from '../diff';
import { type ArrayRule, arrayRulesOf, type PolicyTypeKey } from '../graph';
import { NULL_IDS, type ReferenceKind, type ReferenceRule } from '../references/rules';
import { referenceKey, referencesOf, rulesFor } from '../references';

export type Side = 'baseline' | 'tenant';

export interface UnresolvedReference {
  kind: ReferenceKind;
  id: string;
  side: Side;
}

/** Names by "kind:id", as a set's references resolved them. */
export type ReferenceNames = ReadonlyMap<string, string>;

/** The built-in Default scope tag: id "0" and the same meaning in every tenant. */
const BUILT_IN: ReadonlyMap<string, string> = new Map([['scopeTag:0', 'Default']]);

/** Ids of the object itself or of its sub-resources, made by each tenant. */
const OWN_IDS: Readonly<Record<string, readonly string[]>> = {
  '': ['id'],
  assignments: ['id', 'sourceId'],
};

/** What an id a set holds no name for becomes: the same on both sides, so never a difference. */
export const unresolvedToken = (kind: string) => `${kind}:(unresolved)`;

/**
 * Elements of a sub-resource list (definition values, presentation values, scheduled actions,
 * setting instances) carry ids each tenant made: left out, unless the list is matched by that id
 * (src/graph/arrayRules.ts: endpoint security categories, which are the template's).
 */
function elementIds(property: string, rules: ReadonlyMap<string, ArrayRule>): readonly string[] {
  const rule = rules.get(property);
  return rule?.kind === 'identity' && rule.keys.includes('id') ? [] : ['id'];
}

/** Both payloads of a compared pair, their reference ids replaced by tokens. */
export function tokenizePair(
  policyType: string,
  baseline: { payload: unknown; names: ReferenceNames },
  tenant: { payload: unknown; names: ReferenceNames },
): { baseline: unknown; tenant: unknown; unresolved: UnresolvedReference[] } {
  const rules = rulesFor(policyType as PolicyTypeKey);
  const keys = (payload: unknown) => new Set(referencesOf(payload, rules).map(referenceKey));
  const tenantKeys = keys(tenant.payload);
  const shared = new Map<string, string>();
  for (const key of keys(baseline.payload)) {
    if (!tenantKeys.has(key)) continue;
    shared.set(
      key,
      baseline.names.get(key) ?? tenant.names.get(key) ?? `(id ${key.slice(key.indexOf(':') + 1)})`,
    );
  }
  const arrays = arrayRulesOf(policyType);
  const left = tokenize(
    rules,
    arrays,
    baseline.payload,
    (key) => shared.get(key) ?? baseline.names.get(key),
    'baseline',
  );
  const right = tokenize(
    rules,
    arrays,
    tenant.payload,
    (key) => shared.get(key) ?? tenant.names.get(key),
    'tenant',
  );
  return {
    baseline: left.payload,
    tenant: right.payload,
    unresolved: [...left.unresolved, ...right.unresolved],
  };
}

function tokenize(
  rules: ReadonlyMap<string, ReferenceRule>,
  arrays: ReadonlyMap<string, ArrayRule>,
  payload: unknown,
  nameOf: (key: string) => string | undefined,
  side: Side,
): { payload: unknown; unresolved: UnresolvedReference[] } {
  const unresolved: UnresolvedReference[] = [];
  const seen = new Set<string>();
  const token = (rule: ReferenceRule, value: unknown): unknown => {
    if (typeof value !== 'string' || value === '' || NULL_IDS.has(value)) return value;
    if (rule.keywords?.includes(value)) return value;
    const key = `${rule.kind}:${value}`;
    const name = BUILT_IN.get(key) ?? nameOf(key);
    if (name !== undefined) return `${rule.kind}:${name}`;
    if (!seen.has(key)) unresolved.push({ kind: rule.kind, id: value, side });
    seen.add(key);
    return unresolvedToken(rule.kind);
  };
  const walk = (node: unknown, ownIds: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((element) => walk(element, ownIds));
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (ownIds.includes(key)) continue;
      const rule = rules.get(key);
      if (rule) out[key] = Array.isArray(value) ? value.map((v) => token(rule, v)) : token(rule, value);
      else out[key] = walk(value, OWN_IDS[key] ?? (Array.isArray(value) ? elementIds(key, arrays) : []));
    }
    return out;
  };
  return { payload: walk(payload, OWN_IDS[''] ?? []), unresolved };
}

/**
 * The differences an unresolved reference cannot explain. A tenant's id the set holds no name
 * for (`<kind>:(unresolved)`) might name the same object as the other side's, so it is read as
 * "any object of that kind": a replace whose values are then equal, and an element removed and
 * one added under the same parent that are then equal, are not known differences (the item lists
 * the ids in unresolvedReferences instead). Two names both sides resolved still differ.
 */
export function knownDifferences(fields: FieldChange[], unresolved: UnresolvedReference[]): FieldChange[] {
  if (unresolved.length === 0) return fields;
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/'));
  const explained = new Set<FieldChange>();
  for (const field of fields) {
    if (field.op === 'replace' && sameButUnresolved(field.before, field.after)) explained.add(field);
    if (field.op !== 'remove') continue;
    const twin = fields.find(
      (other) =>
        other.op === 'add' &&
        !explained.has(other) &&
        parentOf(other.path) === parentOf(field.path) &&
        sameButUnresolved(field.before, other.after),
    );
    if (twin) explained.add(field).add(twin);
  }
  return fields.filter((field) => !explained.has(field));
}

const UNRESOLVED = /^(.+):\(unresolved\)$/;

/** Equal, where an unresolved token matches any token of its kind (lists of values as multisets). */
function sameButUnresolved(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b || matchesUnresolved(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    if (a.every((x) => typeof x === 'string') && b.every((x) => typeof x === 'string'))
      return sameStrings(a as string[], b as string[]);
    return a.every((x, i) => sameButUnresolved(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameButUnresolved(a[key], b[key]));
  }
  return a === b || (a ?? null) === (b ?? null);
}

function matchesUnresolved(a: string, b: string): boolean {
  const kind = UNRESOLVED.exec(a)?.[1] ?? UNRESOLVED.exec(b)?.[1];
  return kind !== undefined && a.startsWith(`${kind}:`) && b.startsWith(`${kind}:`);
}

// Sorted sets of tokens move when one is unknown: exact matches first, then the unresolved ones
// stand for what is left of their kind.
function sameStrings(a: string[], b: string[]): boolean {
  const rest = [...b];
  const unmatched = a.filter((x) => {
    const at = rest.indexOf(x);
    if (at === -1) return true;
    rest.splice(at, 1);
    return false;
  });
  return unmatched.every((x) => {
    const at = rest.findIndex((y) => matchesUnresolved(x, y));
    if (at === -1) return false;
    rest.splice(at, 1);
    return true;
  });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
