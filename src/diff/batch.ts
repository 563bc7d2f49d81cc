// The diff engine over a batch of stored payload pairs, with the setting definitions' display
// names fetched once per batch (one query, not one per setting) through the caller's
// `definitionNames`, which reads them on a connection the caller may use (src/db/changeRows.ts):
// what the snapshot, the API's comparisons, history and baselines call.
import { unorderedPropertiesOf } from '../graph/arrayRules';
import { diffPolicy } from './diffPolicy';
import { settingDefinitionIdsOf } from './settingDefinitions';
import type { FieldChange, PolicyDiff } from './types';

/** Display names of setting definitions by id (src/db/settingDefinitions.ts). */
export type DefinitionNames = (definitionIds: string[]) => Promise<Map<string, string>>;

export interface PayloadPair {
  policyType: string;
  before: unknown;
  after: unknown;
}

export type ModifiedDiff = { change: 'modified' | 'renamed'; fields: FieldChange[] };

async function diffStored(
  pairs: readonly PayloadPair[],
  definitionNames: DefinitionNames,
): Promise<(ModifiedDiff | null)[]> {
  const ids = new Set<string>();
  for (const pair of pairs) {
    for (const id of settingDefinitionIdsOf(pair.before)) ids.add(id);
    for (const id of settingDefinitionIdsOf(pair.after)) ids.add(id);
  }
  const names = ids.size > 0 ? await definitionNames([...ids]) : new Map<string, string>();
  const labels = { settingDefinitionName: (id: string) => names.get(id) };
  return pairs.map((pair) =>
    modifiedOnly(diffPolicy(pair.policyType, pair.before, pair.after, labels, { stored: true })),
  );
}

/** The engine over stored payloads, and what it tells the reader of payloads (changed_part). */
export const storedPayloadDiff = Object.assign(diffStored, { unorderedProperties: unorderedPropertiesOf });

// Both payloads exist, so the engine can only answer modified, renamed or nothing.
function modifiedOnly(diff: PolicyDiff | null): ModifiedDiff | null {
  if (!diff || (diff.change !== 'modified' && diff.change !== 'renamed')) return null;
  return { change: diff.change, fields: diff.fields };
}
