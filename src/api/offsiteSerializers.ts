// A tenant's offsite destination as the API shows it: its settings and which credential fields
// are set, never a credential.
import type { OffsiteDestination } from '../db/client';
import { credentialFieldsSet } from '../services/offsiteDestinations';

export function offsiteDestinationJson(row: OffsiteDestination) {
  return {
    tenantId: row.tenantId,
    kind: row.kind,
    settings: row.settings,
    credentialsSet: credentialFieldsSet(row),
    immutabilityDays: row.immutabilityDays,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}
