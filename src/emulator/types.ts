import type { PolicyTypeKey } from '../graph/policyTypes';

export type GraphJson = Record<string, unknown>;

/** One Intune object as the emulator serves it: the Graph object plus its related lists. */
export interface EmulatorPolicy {
  /** The object as GET <collection>/{id} returns it; must have a string `id`. */
  object: GraphJson;
  /** `/settings` sub-collection (settings catalog). */
  settings?: GraphJson[];
  /** `/assignments` sub-collection. */
  assignments?: GraphJson[];
  /** Navigation property returned only with `$expand=scheduledActionsForRule` (compliance). */
  scheduledActionsForRule?: GraphJson[];
}

export interface EmulatorTenantSeed {
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  policies: Partial<Record<PolicyTypeKey, EmulatorPolicy[]>>;
}
