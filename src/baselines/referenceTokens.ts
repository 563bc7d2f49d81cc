// Payloads of two tenants name the same group, filter, scope tag or location by different ids.
// Before they are compared, every id a reference rule (src/references/rules.ts) finds is replaced
// by "<kind>:<name>" of the object as the set's backup_set_references resolved it, so the same
// name in two tenants compares equal. An id the set holds no name for (missing, unreadable, not
// captured) becomes "<kind>:(unresolved <n>)", numbered per kind in the order met, the same on
// both sides, so it never shows as a difference; the compare lists it as unresolved instead.
// An id both payloads hold is the same object (ids are unique across tenants) and gets the same
// token on both sides, even if it was renamed between the two sets. The objects' own ids (the
// policy's, its assignments') differ between tenants by construction and are left out.
import type { PolicyTypeKey } from '../graph';
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
  const left = tokenize(
    rules,
    baseline.payload,
    (key) => shared.get(key) ?? baseline.names.get(key),
    'baseline',
  );
  const right = tokenize(rules, tenant.payload, (key) => shared.get(key) ?? tenant.names.get(key), 'tenant');
  return {
    baseline: left.payload,
    tenant: right.payload,
    unresolved: [...left.unresolved, ...right.unresolved],
  };
}

function tokenize(
  rules: ReadonlyMap<string, ReferenceRule>,
  payload: unknown,
  nameOf: (key: string) => string | undefined,
  side: Side,
): { payload: unknown; unresolved: UnresolvedReference[] } {
  const unresolved: UnresolvedReference[] = [];
  const placeholders = new Map<string, string>();
  const token = (rule: ReferenceRule, value: unknown): unknown => {
    if (typeof value !== 'string' || value === '' || NULL_IDS.has(value)) return value;
    if (rule.keywords?.includes(value)) return value;
    const key = `${rule.kind}:${value}`;
    const name = BUILT_IN.get(key) ?? nameOf(key);
    if (name !== undefined) return `${rule.kind}:${name}`;
    let placeholder = placeholders.get(key);
    if (!placeholder) {
      const n = [...placeholders.keys()].filter((k) => k.startsWith(`${rule.kind}:`)).length + 1;
      placeholder = `${rule.kind}:(unresolved ${n})`;
      placeholders.set(key, placeholder);
      unresolved.push({ kind: rule.kind, id: value, side });
    }
    return placeholder;
  };
  const walk = (node: unknown, ownIds: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((element) => walk(element, ownIds));
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (ownIds.includes(key)) continue;
      const rule = rules.get(key);
      if (!rule) out[key] = walk(value, OWN_IDS[key] ?? []);
      else out[key] = Array.isArray(value) ? value.map((v) => token(rule, v)) : token(rule, value);
    }
    return out;
  };
  return { payload: walk(payload, OWN_IDS[''] ?? []), unresolved };
}
