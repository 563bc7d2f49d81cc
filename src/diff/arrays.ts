// Arrays, element by element, as the type's array rules say (src/graph/arrayRules.ts):
// - identity: elements paired by key (duplicates of a key in canonical order); an element only on
//   one side is one change with the whole element;
// - set: equal elements cancel out; primitives left over are added or removed by value, objects
//   left over are paired in canonical order and compared field by field;
// - ordered (no rule): index by index, so a change of order is a change.
import { type ArrayRule, arrayRuleAt, type IdentityRule } from '../graph/arrayRules';
import { identityKeyOf, valueAtPath } from '../graph/canonical';
import { assignmentLabel, humanizeProperty, settingLabel } from './labels';
import { childPath, identitySegment, setValueSegment } from './paths';
import { diffValue, labelOf, pushWhole, type Scope, textOf, type Walk } from './walk';

interface Element {
  value: unknown;
  key: string;
  text: string;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byKeyThenText = (a: Element, b: Element): number => byText(a.key, b.key) || byText(a.text, b.text);

function elements(
  walk: Walk,
  side: 'before' | 'after',
  values: readonly unknown[],
  scope: Scope,
  rule: ArrayRule,
): Element[] {
  return values
    .map((value) => ({
      value,
      key: rule.kind === 'identity' ? identityKeyOf(value, rule.keys) : '',
      text: textOf(walk, side, value, scope),
    }))
    .sort(byKeyThenText);
}

export function diffArray(
  walk: Walk,
  path: string,
  scope: Scope,
  before: readonly unknown[],
  after: readonly unknown[],
): void {
  const rule = arrayRuleAt(walk.before.arrays, scope.parent, scope.property);
  const elementScope: Scope = { ...scope, positional: undefined };
  if (rule === undefined) {
    diffOrdered(walk, path, elementScope, [before, after]);
  } else {
    const a = elements(walk, 'before', before, elementScope, rule);
    const b = elements(walk, 'after', after, elementScope, rule);
    if (rule.kind === 'identity') diffIdentity(walk, path, elementScope, rule, a, b);
    else diffSet(walk, path, elementScope, a, b);
  }
}

function diffOrdered(
  walk: Walk,
  path: string,
  scope: Scope,
  [before, after]: readonly (readonly unknown[])[],
): void {
  const a = before ?? [];
  const b = after ?? [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const at = childPath(path, String(i));
    if (i >= b.length) pushWhole(walk, 'remove', at, labelOf(walk, scope), a[i]);
    else if (i >= a.length) pushWhole(walk, 'add', at, labelOf(walk, scope), b[i]);
    else diffValue(walk, at, scope, a[i], b[i]);
  }
}

/** The element's own scope: its setting definition or assignment labels what lies inside it. */
function identityScope(scope: Scope, rule: IdentityRule, value: unknown): Scope {
  const own: Scope = { ...scope, positional: rule.positional };
  if (rule.labels === 'assignment') own.assignment = assignmentLabel(value);
  if (rule.labels === 'settingDefinition') {
    const id = rule.keys.map((key) => valueAtPath(value, key)).find((v) => typeof v === 'string');
    if (typeof id === 'string') own.definitionId = id;
  }
  return own;
}

function elementLabel(walk: Walk, scope: Scope): string {
  if (scope.assignment !== undefined) return scope.assignment;
  if (scope.definitionId !== undefined) return settingLabel(scope.definitionId, walk.labels);
  return humanizeProperty(scope.property);
}

function diffIdentity(
  walk: Walk,
  path: string,
  scope: Scope,
  rule: IdentityRule,
  before: Element[],
  after: Element[],
): void {
  const waiting = new Map<string, Element[]>();
  for (const element of after) {
    const queue = waiting.get(element.key);
    if (queue) queue.push(element);
    else waiting.set(element.key, [element]);
  }
  const segment = (value: unknown) =>
    childPath(
      path,
      identitySegment(
        rule.keys,
        rule.keys.map((key) => valueAtPath(value, key)),
      ),
    );
  for (const old of before) {
    const own = identityScope(scope, rule, old.value);
    const match = waiting.get(old.key)?.shift();
    if (match === undefined)
      pushWhole(walk, 'remove', segment(old.value), elementLabel(walk, own), old.value);
    else if (match.text !== old.text) diffValue(walk, segment(old.value), own, old.value, match.value);
  }
  for (const queue of waiting.values())
    for (const added of queue) {
      const own = identityScope(scope, rule, added.value);
      pushWhole(walk, 'add', segment(added.value), elementLabel(walk, own), added.value);
    }
}

function diffSet(walk: Walk, path: string, scope: Scope, before: Element[], after: Element[]): void {
  const remaining = new Map<string, number>();
  for (const element of after) remaining.set(element.text, (remaining.get(element.text) ?? 0) + 1);
  const removed: Element[] = [];
  for (const element of before) {
    const left = remaining.get(element.text) ?? 0;
    if (left > 0) remaining.set(element.text, left - 1);
    else removed.push(element);
  }
  const added: Element[] = [];
  for (const element of after) {
    const left = remaining.get(element.text) ?? 0;
    if (left > 0) {
      remaining.set(element.text, left - 1);
      added.push(element);
    }
  }
  const label = labelOf(walk, scope);
  const isObject = (e: Element) => typeof e.value === 'object' && e.value !== null;
  // Objects without a key: paired in canonical order, named by their index in the new array.
  const removedObjects = removed.filter(isObject);
  const addedObjects = added.filter(isObject);
  const paired = Math.min(removedObjects.length, addedObjects.length);
  for (let i = 0; i < paired; i++) {
    const at = childPath(path, String(after.indexOf(addedObjects[i] as Element)));
    diffValue(walk, at, scope, removedObjects[i]?.value, addedObjects[i]?.value);
  }
  const segment = (element: Element, side: Element[]) =>
    childPath(path, isObject(element) ? String(side.indexOf(element)) : setValueSegment(element.value));
  for (const element of [...removed.filter((e) => !isObject(e)), ...removedObjects.slice(paired)])
    pushWhole(walk, 'remove', segment(element, before), label, element.value);
  for (const element of [...added.filter((e) => !isObject(e)), ...addedObjects.slice(paired)])
    pushWhole(walk, 'add', segment(element, after), label, element.value);
}
