import { Rng } from './prng';
import type { EmulatorNode } from './types';

// Intune's audit log (`/deviceManagement/auditEvents`), which clients read with
// `$filter=activityDateTime ge <time>`. It is no policy type TenantVault backs up, so it is a pool
// of the tenant (./pools), the same for the same tenant (seeded) so tests can reason about it.
// The times lie in a fixed window (not "now") so the list never changes between runs.

export const AUDIT_EVENT_COUNT = 300;
export const AUDIT_WINDOW = { from: '2026-09-01T00:00:00Z', to: '2026-12-01T00:00:00Z' } as const;

const ACTIVITIES = [
  ['deviceConfiguration', 'Create', 'DeviceConfiguration'],
  ['deviceConfiguration', 'Patch', 'DeviceConfiguration'],
  ['deviceCompliancePolicy', 'Assign', 'Compliance'],
  ['deviceManagementScript', 'Delete', 'DeviceConfiguration'],
  ['roleDefinition', 'Patch', 'Role'],
] as const;

/** The k-th audit event of the tenant; events are in time order by k (Graph lists oldest first). */
export function auditEvent(tenantLabel: string, k: number, id: string): EmulatorNode {
  const rng = new Rng(`${tenantLabel}|auditEvent|${k}`);
  const [resourceType, operation, category] = rng.pick(ACTIVITIES);
  const from = Date.parse(AUDIT_WINDOW.from);
  const slot = (Date.parse(AUDIT_WINDOW.to) - from) / AUDIT_EVENT_COUNT;
  const activityDateTime = new Date(from + Math.floor((k + rng.next()) * slot)).toISOString();
  const user = `admin${rng.int(1, 5)}@contoso.example`;
  return {
    object: {
      id,
      displayName: `${operation} ${resourceType}`,
      componentName: category,
      actor: { type: 'ItPro', userPrincipalName: user, userPermissions: ['*'], ipAddress: null },
      activity: `${operation} ${resourceType}`,
      activityDateTime,
      activityType: `${operation} ${resourceType}`,
      activityOperationType: operation,
      activityResult: 'Success',
      correlationId: rng.guid(),
      resources: [
        { displayName: `${resourceType} ${rng.int(1, 99)}`, type: resourceType, resourceId: rng.guid() },
      ],
      category,
    },
  };
}

export const auditEventId = (tenantLabel: string, k: number) =>
  new Rng(`${tenantLabel}|auditEventId|${k}`).guid();
