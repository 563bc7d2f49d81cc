// Labels people can read, for field changes.
import type { DiffLabels } from './types';

/** `passwordMinimumLength` -> `Password minimum length`; `@odata.type` -> `Type`. */
export function humanizeProperty(property: string): string {
  const name = property.startsWith('@odata.') ? property.slice('@odata.'.length) : property;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\s]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Settings catalog definition ids repeat the CSP path (`device_vendor_msft_policy_config_…`):
// without a display name, what follows it is the readable part.
const DEFINITION_PREFIX = /^(device|user)_vendor_msft_(policy_config_)?/;

/** A setting definition id as words, when its display name is not known. */
export function humanizeDefinitionId(definitionId: string): string {
  const words = definitionId.replace(DEFINITION_PREFIX, '').replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function settingLabel(definitionId: string, labels: DiffLabels | undefined): string {
  return labels?.settingDefinitionName(definitionId) ?? humanizeDefinitionId(definitionId);
}

/**
 * `Assignment: group <id> (include)`, `Assignment: all devices (include)`, with the filter when
 * there is one: `… with filter <id> (exclude)`. Exclusion targets are a group target in exclude mode.
 */
export function assignmentLabel(assignment: unknown): string {
  const target = (assignment as { target?: Record<string, unknown> } | null)?.target ?? {};
  const type = String(target['@odata.type'] ?? '')
    .replace(/^#?microsoft\.graph\./, '')
    .replace(/AssignmentTarget$/, '');
  const exclude = type === 'exclusionGroup';
  const kind = exclude ? 'group' : humanizeProperty(type || 'target').toLowerCase();
  const group = typeof target.groupId === 'string' ? ` ${target.groupId}` : '';
  const filterId = target.deviceAndAppManagementAssignmentFilterId;
  const filterType = target.deviceAndAppManagementAssignmentFilterType;
  const filter =
    typeof filterId === 'string' && filterId !== '' && filterType !== 'none'
      ? ` with filter ${filterId}${typeof filterType === 'string' ? ` (${filterType})` : ''}`
      : '';
  return `Assignment: ${kind}${group} (${exclude ? 'exclude' : 'include'})${filter}`;
}
