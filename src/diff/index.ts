// TEMPORARY stand-in for the diff engine of branch i15-diff (same interface); replaced by main's
// src/diff when the lead merges it. Plain leaf diff: objects by key, arrays as sets of their JSON.
export type PolicyChangeKind = 'added' | 'removed' | 'modified' | 'renamed';
export interface FieldChange {
  op: 'add' | 'remove' | 'replace';
  path: string;
  label: string;
  before?: unknown;
  after?: unknown;
  secret?: true;
}
export interface PolicyDiff {
  change: PolicyChangeKind;
  fields: FieldChange[];
}
export interface DiffLabels {
  settingDefinitionName(definitionId: string): string | undefined;
}

export function diffPolicy(
  _policyType: string,
  before: unknown | null,
  after: unknown | null,
  _labels?: DiffLabels,
): PolicyDiff | null {
  if (before === null && after === null) return null;
  if (before === null) return { change: 'added', fields: [] };
  if (after === null) return { change: 'removed', fields: [] };
  const fields: FieldChange[] = [];
  walk('', before, after, fields);
  return fields.length === 0 ? null : { change: 'modified', fields };
}

function walk(path: string, before: unknown, after: unknown, out: FieldChange[]): void {
  const label = path.split('/').at(-1) ?? '';
  const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  if (empty(before) && empty(after)) return;
  if (empty(before)) return void out.push({ op: 'add', path, label, after });
  if (empty(after)) return void out.push({ op: 'remove', path, label, before });
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = new Set(before.map((v) => JSON.stringify(v)));
    const a = new Set(after.map((v) => JSON.stringify(v)));
    for (const v of b)
      if (!a.has(v)) out.push({ op: 'remove', path: `${path}/-`, label, before: JSON.parse(v) });
    for (const v of a) if (!b.has(v)) out.push({ op: 'add', path: `${path}/-`, label, after: JSON.parse(v) });
    return;
  }
  if (
    typeof before === 'object' &&
    typeof after === 'object' &&
    !Array.isArray(before) &&
    !Array.isArray(after)
  ) {
    const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
    for (const key of [...keys].sort())
      walk(
        `${path}/${key}`,
        (before as Record<string, unknown>)[key],
        (after as Record<string, unknown>)[key],
        out,
      );
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after))
    out.push({ op: 'replace', path, label, before, after });
}
