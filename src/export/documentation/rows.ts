// One policy as as-built documentation shows it (issue 18): its settings as rows of label, path
// and value, and its assignments with group and filter names. Pure: names from outside (setting
// definitions, the set's references) come in through `DocumentationLabels`.
//
// Paths and labels are the diff's (src/diff): a row's path is the JSON Pointer a field change of
// that value would carry, its label what the change would be labelled, so a reader can match a
// row of the documentation with a change in the changesSince appendix or the diff API.
import { humanizeProperty } from '../../diff';
import { settingLabel } from '../../diff/labels';
import { childPath, identitySegment, pointerToken } from '../../diff/paths';
import {
  arrayRuleAt,
  SECRET_KEYS,
  SECRET_PROPERTIES_BY_TYPE,
  SECRET_VALUE_PREFIX,
} from '../../graph/arrayRules';
import {
  type CanonicalForm,
  canonicalFormOf,
  isDroppedKey,
  SERVER_IDENTITY_PROPERTIES,
  valueAtPath,
} from '../../graph/canonical';
import { mayHoldScripts, unescapeStoredJson } from '../../graph';

export interface SettingRow {
  label: string;
  path: string;
  value: string;
}

export interface AssignmentRow {
  mode: 'include' | 'exclude';
  /** `group`, `all users`, `all devices`, or the target type in words. */
  target: string;
  groupId: string | null;
  groupName: string | null;
  filterId: string | null;
  filterName: string | null;
  filterMode: string | null;
}

export interface PolicyDocumentation {
  settings: SettingRow[];
  assignments: AssignmentRow[];
  /** The payload was withheld from this caller (scripts:read): no settings are shown. */
  withheld: boolean;
}

export interface DocumentationLabels {
  /** A settings catalog definition's display name (src/db/settingDefinitions.ts). */
  settingName(definitionId: string): string | undefined;
  /** A choice option's display name by its itemId. */
  optionName(itemId: string): string | undefined;
  /** A referenced object's name from the set's references (kind `group`, `assignmentFilter`). */
  referenceName(kind: string, id: string): string | undefined;
}

export interface PolicyInput {
  policyType: string;
  /** The stored canonical payload (in the stored escape), or undefined when withheld. */
  payload: unknown;
  mayReadScripts: boolean;
}

export const SECRET_SHOWN = '(secret, not shown)';

// Shown as assignments, not as rows of settings; ids, creation times and versions (at any depth)
// are Graph's, not configuration (SERVER_IDENTITY_PROPERTIES).
const NOT_SETTINGS = new Set(['assignments']);
// Leaves that say what a setting is, not what it is set to: its label already says it.
const STRUCTURAL_LEAVES = new Set(['settingDefinitionId', '@odata.type', 'settingInstanceTemplateId']);
const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

interface Scope {
  property: string;
  parent: string;
  definitionId?: string;
  secret?: boolean;
  depth: number;
}

export function documentPolicy(input: PolicyInput, labels: DocumentationLabels): PolicyDocumentation {
  const withheld = !input.mayReadScripts && mayHoldScripts(input.policyType);
  if (withheld || input.payload === undefined || input.payload === null)
    return { settings: [], assignments: [], withheld: true };
  const payload = unescapeStoredJson(input.payload) as Record<string, unknown>;
  const form = canonicalFormOf(input.policyType, payload);
  const settings: SettingRow[] = [];
  for (const key of Object.keys(payload).sort()) {
    if (NOT_SETTINGS.has(key) || SERVER_IDENTITY_PROPERTIES.has(key) || isDroppedKey(key, form.volatile))
      continue;
    const scope: Scope = { property: key, parent: '', depth: 0 };
    leaves(settings, form, labels, childPath('', pointerToken(key)), scope, payload[key]);
  }
  const assignments = Array.isArray(payload.assignments)
    ? payload.assignments.map((assignment) => assignmentRow(assignment, labels))
    : [];
  return { settings, assignments, withheld: false };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Empty is one state with absent and null, as the diff counts them: no row.
function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function labelOf(scope: Scope, labels: DocumentationLabels): string {
  if (scope.definitionId !== undefined)
    return settingLabel(scope.definitionId, { settingDefinitionName: labels.settingName });
  return humanizeProperty(scope.property);
}

function valueText(value: unknown, scope: Scope, labels: DocumentationLabels): string {
  if (scope.secret || (typeof value === 'string' && value.startsWith(SECRET_VALUE_PREFIX)))
    return SECRET_SHOWN;
  if (typeof value === 'string') {
    // A choice setting's value is an option's itemId: its display name, where the definition says it.
    if (scope.definitionId !== undefined) return labels.optionName(value) ?? value;
    return value;
  }
  return JSON.stringify(value);
}

function leaves(
  out: SettingRow[],
  form: CanonicalForm,
  labels: DocumentationLabels,
  path: string,
  scope: Scope,
  value: unknown,
): void {
  if (isEmpty(value)) return;
  if (scope.depth > 0 && STRUCTURAL_LEAVES.has(scope.property)) return;
  if (SERVER_IDENTITY_PROPERTIES.has(scope.property)) return;
  const secret = scope.secret || SECRET_KEY_SET.has(scope.property);
  if (secret) {
    out.push({ label: labelOf(scope, labels), path, value: SECRET_SHOWN });
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((element) => !isRecord(element) && !Array.isArray(element))) {
      const text = value.map((element) => valueText(element, scope, labels)).join(', ');
      out.push({ label: labelOf(scope, labels), path, value: text });
      return;
    }
    const rule = arrayRuleAt(form.arrays, scope.parent, scope.property);
    value.forEach((element, index) => {
      const segment =
        rule?.kind === 'identity' && isRecord(element)
          ? identitySegment(
              rule.keys,
              rule.keys.map((key) => valueAtPath(element, key)),
            )
          : String(index);
      const positional = rule?.kind === 'identity' ? (rule.positional ?? []) : [];
      const inner = isRecord(element)
        ? Object.fromEntries(Object.entries(element).filter(([key]) => !positional.includes(key)))
        : element;
      leaves(out, form, labels, childPath(path, segment), { ...scope, depth: scope.depth + 1 }, inner);
    });
    return;
  }
  if (!isRecord(value)) {
    out.push({ label: labelOf(scope, labels), path, value: valueText(value, scope, labels) });
    return;
  }
  const definitionId =
    typeof value.settingDefinitionId === 'string' ? value.settingDefinitionId : scope.definitionId;
  const type = value['@odata.type'];
  const secrets = typeof type === 'string' ? (SECRET_PROPERTIES_BY_TYPE[type] ?? []) : [];
  for (const key of Object.keys(value).sort()) {
    if (isDroppedKey(key, form.volatile)) continue;
    const inner: Scope = {
      property: key,
      parent: scope.property,
      depth: scope.depth + 1,
      ...(definitionId !== undefined ? { definitionId } : {}),
      ...(secrets.includes(key) ? { secret: true } : {}),
    };
    leaves(out, form, labels, childPath(path, pointerToken(key)), inner, value[key]);
  }
}

const TARGET_TYPE = /^#?microsoft\.graph\.|AssignmentTarget$/g;

/** An assignment's target as a row; exclusion targets are a group target in exclude mode (src/diff/labels.ts). */
export function assignmentRow(assignment: unknown, labels: DocumentationLabels): AssignmentRow {
  const target = (assignment as { target?: Record<string, unknown> } | null)?.target ?? {};
  const type = String(target['@odata.type'] ?? '').replace(TARGET_TYPE, '');
  const exclude = type === 'exclusionGroup';
  const groupId = typeof target.groupId === 'string' ? target.groupId : null;
  const filterId = target.deviceAndAppManagementAssignmentFilterId;
  const filterMode = target.deviceAndAppManagementAssignmentFilterType;
  const hasFilter = typeof filterId === 'string' && filterId !== '' && filterMode !== 'none';
  return {
    mode: exclude ? 'exclude' : 'include',
    target: exclude || type === 'group' ? 'group' : humanizeProperty(type || 'target').toLowerCase(),
    groupId,
    groupName: groupId === null ? null : (labels.referenceName('group', groupId) ?? null),
    filterId: hasFilter ? filterId : null,
    filterName: hasFilter ? (labels.referenceName('assignmentFilter', filterId) ?? null) : null,
    filterMode: hasFilter && typeof filterMode === 'string' ? filterMode : null,
  };
}
