// The field-by-field comparison of two payloads of one type, under the type's canonical form
// (src/graph/canonical.ts): volatile fields and response annotations never compared, `[]`, `null`
// and absent one state, secrets compared without being shown. Arrays: ./arrays.ts.
import { SECRET_KEYS, SECRET_PROPERTIES_BY_TYPE, SECRET_VALUE_PREFIX } from '../graph/arrayRules';
import { type CanonicalForm, canonicalTextAt, isDroppedKey } from '../graph/canonical';
import { diffArray } from './arrays';
import { humanizeProperty, settingLabel } from './labels';
import { childPath, pointerToken } from './paths';
import type { DiffLabels, FieldChange } from './types';

export interface Walk {
  before: CanonicalForm;
  after: CanonicalForm;
  /** Properties where `[]`, `null` and absent differ (../graph/arrayRules.ts DISTINCT_EMPTY). */
  distinctEmpty: ReadonlySet<string>;
  labels: DiffLabels | undefined;
  /**
   * Both payloads are stored canonical payloads (already sorted, keys in one order), so a
   * subtree's JSON text stands for its canonical text: native JSON.stringify instead of the
   * canonical serializer, which was most of a snapshot's diff time (bench:diff).
   */
  stored: boolean;
  out: FieldChange[];
}

/** Where a value is: its name (array elements share the array's), its holder's, and its labels. */
export interface Scope {
  property: string;
  parent: string;
  /** The deepest setting definition on the path. */
  definitionId?: string;
  /** The assignment the value belongs to. */
  assignment?: string;
  /** Properties of this element that are its position (not compared). */
  positional?: readonly string[];
  /** The value holds a secret (SECRET_PROPERTIES_BY_TYPE): compared, never shown. */
  secret?: true;
}

/** The properties of `value` that hold a secret because of its `@odata.type`. */
function secretPropertiesOf(value: Record<string, unknown>): readonly string[] {
  const type = value['@odata.type'];
  return typeof type === 'string' ? (SECRET_PROPERTIES_BY_TYPE[type] ?? []) : [];
}

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

export function newWalk(
  before: CanonicalForm,
  after: CanonicalForm,
  distinctEmpty: readonly string[],
  labels: DiffLabels | undefined,
  stored = false,
): Walk {
  return { before, after, distinctEmpty: new Set(distinctEmpty), labels, stored, out: [] };
}

export function labelOf(walk: Walk, scope: Scope): string {
  if (scope.definitionId !== undefined) return settingLabel(scope.definitionId, walk.labels);
  const property = humanizeProperty(scope.property);
  if (scope.assignment !== undefined) return `${scope.assignment}: ${property}`;
  return property;
}

export function textOf(walk: Walk, side: 'before' | 'after', value: unknown, scope: Scope): string {
  if (!walk.stored) return canonicalTextAt(value, walk[side], scope.parent, scope.property);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const memo = walk[side].memo;
  let text = memo?.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    memo?.set(value, text);
  }
  return text;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSecretValue(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(SECRET_VALUE_PREFIX);
}

/**
 * A whole value as a change shows it: annotations and volatile fields dropped, secrets replaced
 * by a marker. Sets `secret` on the change when it hid one.
 */
export function shown(value: unknown, form: CanonicalForm, hid: { secret: boolean }): unknown {
  if (isSecretValue(value)) {
    hid.secret = true;
    return '(secret)';
  }
  if (Array.isArray(value)) return value.map((element) => shown(element, form, hid));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const secretHere = secretPropertiesOf(value);
  for (const [key, inner] of Object.entries(value)) {
    if (isDroppedKey(key, form.volatile) || inner === undefined) continue;
    if ((SECRET_KEY_SET.has(key) || secretHere.includes(key)) && !isEmpty(inner)) {
      hid.secret = true;
      out[key] = '(secret)';
    } else out[key] = shown(inner, form, hid);
  }
  return out;
}

/** An element or value that appeared or disappeared as a whole: one change. */
export function pushWhole(
  walk: Walk,
  op: 'add' | 'remove',
  path: string,
  label: string,
  value: unknown,
): void {
  const hid = { secret: false };
  const side = op === 'add' ? walk.after : walk.before;
  const whole = shown(value, side, hid);
  walk.out.push({
    op,
    path,
    label,
    ...(op === 'add' ? { after: whole } : { before: whole }),
    ...(hid.secret ? { secret: true as const } : {}),
  });
}

export function diffValue(walk: Walk, path: string, scope: Scope, before: unknown, after: unknown): void {
  const distinct = walk.distinctEmpty.has(scope.property);
  const emptyBefore = !distinct && isEmpty(before);
  const emptyAfter = !distinct && isEmpty(after);
  if (emptyBefore && emptyAfter) return;
  if (scope.secret || SECRET_KEY_SET.has(scope.property) || isSecretValue(before) || isSecretValue(after)) {
    if (textOf(walk, 'before', before, scope) !== textOf(walk, 'after', after, scope))
      walk.out.push({ op: 'replace', path, label: labelOf(walk, scope), secret: true });
    return;
  }
  if ((Array.isArray(before) || emptyBefore) && (Array.isArray(after) || emptyAfter)) {
    diffArray(
      walk,
      path,
      scope,
      emptyBefore ? [] : (before as unknown[]),
      emptyAfter ? [] : (after as unknown[]),
    );
    return;
  }
  if (emptyBefore) pushWhole(walk, 'add', path, labelOf(walk, scope), after);
  else if (emptyAfter) pushWhole(walk, 'remove', path, labelOf(walk, scope), before);
  else if (isRecord(before) && isRecord(after)) diffObject(walk, path, scope, before, after);
  else if (textOf(walk, 'before', before, scope) !== textOf(walk, 'after', after, scope))
    pushReplace(walk, path, scope, before, after);
}

function pushReplace(walk: Walk, path: string, scope: Scope, before: unknown, after: unknown): void {
  const hid = { secret: false };
  walk.out.push({
    op: 'replace',
    path,
    label: labelOf(walk, scope),
    before: shown(before, walk.before, hid),
    after: shown(after, walk.after, hid),
    ...(hid.secret ? { secret: true as const } : {}),
  });
}

function diffObject(
  walk: Walk,
  path: string,
  scope: Scope,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): void {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const secrets = new Set([...secretPropertiesOf(before), ...secretPropertiesOf(after)]);
  for (const key of keys) {
    if (scope.positional?.includes(key)) continue;
    const a = isDroppedKey(key, walk.before.volatile) ? undefined : before[key];
    const b = isDroppedKey(key, walk.after.volatile) ? undefined : after[key];
    const inner: Scope = {
      ...scope,
      property: key,
      parent: scope.property,
      positional: undefined,
      ...(secrets.has(key) ? { secret: true as const } : { secret: undefined }),
    };
    diffValue(walk, childPath(path, pointerToken(key)), inner, a, b);
  }
}
