// Realistic payloads for the restore rules' unit tests: objects of a generated emulator tenant
// (src/emulator), viewed as Graph serves them (`live`) and as TenantVault stores them (`stored`:
// the canonical payload, volatile fields left out), unescaped as the restore's callers pass them.
import { canonicalizePolicy } from '../../src/graph/canonical';
import type { PolicyTypeKey } from '../../src/graph/policyTypes';
import { unescapeStoredJson } from '../../src/graph/storedText';
import { viewOf } from '../../src/emulator/rawObjects';
import { TenantObjects } from '../../src/emulator/tenantObjects';
import type { StepInput } from '../../src/restore/steps';
import type { GraphJson } from '../../src/restore/types';

export interface SamplePayload {
  live: GraphJson;
  stored: GraphJson;
}

const tenants = new Map<string, TenantObjects>();

/** `count` objects of a type from a fixed tenant: the same objects on every run. */
export function samplePayloads(
  type: PolicyTypeKey,
  count: number,
  label = 'restore-rules-fixed',
): SamplePayload[] {
  let tenant = tenants.get(label);
  if (tenant === undefined) {
    tenant = new TenantObjects(label);
    tenants.set(label, tenant);
  }
  while (tenant.count(type) < count) tenant.generate(type, 1);
  return tenant
    .all(type)
    .slice(0, count)
    .map((record) => {
      const live = viewOf(tenant.node(type, record));
      const stored = unescapeStoredJson(JSON.parse(canonicalizePolicy(type, live).json)) as GraphJson;
      return { live, stored };
    });
}

/** The first object of a type (the fixed tenant always has one). */
export function firstPayload(type: PolicyTypeKey): SamplePayload {
  const [first] = samplePayloads(type, 1);
  if (first === undefined) throw new Error(`no ${type} object`);
  return first;
}

/** A create of the payload with the options a restore defaults to (assignments, report-only). */
export function stepInputOf(policyType: PolicyTypeKey, backup: GraphJson, marker: string): StepInput {
  return {
    policyType,
    backup,
    action: 'create',
    targetGraphId: null,
    live: null,
    assignments: 'restore',
    conditionalAccessState: 'report_only',
    marker,
  };
}
