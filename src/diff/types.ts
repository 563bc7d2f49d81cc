// What the diff engine answers (./diffPolicy.ts); stored per changed policy and served by the API.

export type PolicyChangeKind = 'added' | 'removed' | 'modified' | 'renamed';

/** One leaf change; `path` is a JSON Pointer whose array elements are named as ./paths.ts says. */
export interface FieldChange {
  op: 'add' | 'remove' | 'replace';
  path: string;
  /** For people: the setting's display name, the assignment, or the property name humanized. */
  label: string;
  before?: unknown;
  after?: unknown;
  /** The value is a secret or stands for one: it changed, and neither value is shown. */
  secret?: true;
}

export interface PolicyDiff {
  change: PolicyChangeKind;
  /** Empty for `added` and `removed`; for `renamed`, every leaf change, the name's included. */
  fields: FieldChange[];
}

/** Display names from outside the payload (setting definitions are stored apart from policies). */
export interface DiffLabels {
  settingDefinitionName(definitionId: string): string | undefined;
}
