import { Rng } from './prng';
import type { EmulatorNode } from './types';

// Intune's audit log (`/deviceManagement/auditEvents`), which clients read with
// `$filter=activityDateTime ge <time>`. It is no policy type TenantVault backs up, so it is not
// in the registry nor in the tenant's objects: each tenant gets a small generated list, built on
// first read and kept, the same for the same tenant id (seeded) so tests can reason about it.
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

const cache = new Map<string, EmulatorNode[]>();

/** The tenant's audit events, oldest first. */
export function auditEventsOf(azureTenantId: string): EmulatorNode[] {
  const key = azureTenantId.toLowerCase();
  let events = cache.get(key);
  if (events === undefined) {
    events = generate(key);
    cache.set(key, events);
  }
  return events;
}

function generate(key: string): EmulatorNode[] {
  const rng = new Rng(`${key}|auditEvents`);
  const events = Array.from({ length: AUDIT_EVENT_COUNT }, () => {
    const [resourceType, operation, category] = rng.pick(ACTIVITIES);
    const user = `admin${rng.int(1, 5)}@contoso.example`;
    return {
      object: {
        id: rng.guid(),
        displayName: `${operation} ${resourceType}`,
        componentName: category,
        actor: { type: 'ItPro', userPrincipalName: user, userPermissions: ['*'], ipAddress: null },
        activity: `${operation} ${resourceType}`,
        activityDateTime: rng.timestamp(AUDIT_WINDOW.from, AUDIT_WINDOW.to),
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
  });
  return events.sort((a, b) => a.object.activityDateTime.localeCompare(b.object.activityDateTime));
}
