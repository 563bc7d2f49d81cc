// The references of one payload, by walking it once against REFERENCE_RULES.
import type { PolicyTypeKey } from '../graph';
import { NULL_IDS, REFERENCE_KINDS, REFERENCE_RULES, type ReferenceKind, type ReferenceRule } from './rules';

export interface Reference {
  kind: ReferenceKind;
  id: string;
}

/** The rules that apply to a type's payloads, by property name. */
export function rulesFor(policyType: PolicyTypeKey): ReadonlyMap<string, ReferenceRule> {
  const rules = REFERENCE_RULES.filter((rule) => !rule.policyTypes || rule.policyTypes.includes(policyType));
  return new Map(rules.map((rule) => [rule.property, rule]));
}

/**
 * Every distinct reference of `payload`, in the order first met. Keys in `skip` are not looked
 * into: the volatile fields that canonicalisation drops, so only what the set stores counts.
 */
export function referencesOf(
  payload: unknown,
  rules: ReadonlyMap<string, ReferenceRule>,
  skip: ReadonlySet<string> = new Set(),
): Reference[] {
  const found = new Map<string, Reference>();
  const add = (rule: ReferenceRule, value: unknown) => {
    if (typeof value !== 'string' || value === '' || NULL_IDS.has(value)) return;
    if (rule.keywords?.includes(value)) return;
    found.set(`${rule.kind}:${value}`, { kind: rule.kind, id: value });
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const element of node) walk(element);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (skip.has(key)) continue;
      const rule = rules.get(key);
      if (!rule) walk(value);
      else if (Array.isArray(value)) for (const element of value) add(rule, element);
      else add(rule, value);
    }
  };
  walk(payload);
  return [...found.values()];
}

/** A reference as stored with its captured item ("kind:id"; kinds have no colon). */
export function referenceKey(reference: Reference): string {
  return `${reference.kind}:${reference.id}`;
}

/** The reference a stored key names, or undefined for one of an unknown kind. */
export function referenceOfKey(key: string): Reference | undefined {
  const at = key.indexOf(':');
  const kind = key.slice(0, at);
  if (at <= 0 || !(REFERENCE_KINDS as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as ReferenceKind, id: key.slice(at + 1) };
}
