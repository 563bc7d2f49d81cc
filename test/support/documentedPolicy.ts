// One device configuration as the documentation renderers receive it, for their unit tests.
import type { DocumentedPolicy } from '../../src/export/documentation/model';
import type { SettingRow } from '../../src/export/documentation/rows';

export function documentedPolicy(displayName: string, settings: SettingRow[]): DocumentedPolicy {
  return {
    policyType: 'deviceConfiguration',
    typeLabel: 'Device configurations',
    graphId: 'p1',
    displayName,
    documentation: { settings, assignments: [], withheld: false },
  };
}
