import type { PolicyTypeKey } from '../graph/policyTypes';

export type GraphJson = Record<string, unknown>;

/**
 * One served object (a policy, or an element of one of its lists) in the registry's terms:
 * whatever a registry expansion asks for is found here by its `property` name.
 */
export interface EmulatorNode {
  /** As collections list it; must have a string `id`. */
  object: GraphJson;
  /** Properties only GET <collection>/{id} returns (a registry 'detail' expansion), e.g. scriptContent. */
  detail?: GraphJson;
  /**
   * Per-item lists keyed by the registry's ListExpansion.property. A function is called at most
   * once, on first use, so listing a collection never builds the (large) lists of its items.
   */
  lists?: Record<string, EmulatorNode[] | (() => EmulatorNode[])>;
  /**
   * Single-valued navigation properties, inlined only when `$expand`ed (definition, presentation);
   * collection-valued ones are `lists`.
   */
  expandable?: Record<string, unknown>;
  /** Plain texts of the object's encrypted settings by reference, never served inline (encryptedValues.ts). */
  secretValues?: Record<string, string>;
  /**
   * Links to other objects of the same entity set by id (a SCEP profile's trusted root): served
   * as those objects are when asked for, so a link to a removed object is a link to nothing.
   */
  references?: Record<string, string | readonly string[]>;
}

/** One hand-written Intune object: the Graph object plus its related lists. */
export interface EmulatorPolicy {
  /** The object as GET <collection>/{id} returns it; must have a string `id`. */
  object: GraphJson;
  /** `/settings` sub-collection (settings catalog). */
  settings?: GraphJson[];
  /** `/assignments` sub-collection. */
  assignments?: GraphJson[];
  /**
   * Compliance rules as Graph returns them with
   * `$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)`; served as lists.
   */
  scheduledActionsForRule?: GraphJson[];
  /** Any other registry list, by property name (e.g. roleAssignments, apps). */
  lists?: Record<string, GraphJson[]>;
  /** Properties the collection leaves out (a registry 'detail' expansion). */
  detail?: GraphJson;
  /** For types with two collections (appConfiguration): index into the registry's collections. */
  collectionIndex?: number;
}

export interface EmulatorTenantSeed {
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  policies: Partial<Record<PolicyTypeKey, EmulatorPolicy[]>>;
  /** Permissions beyond reading every set (EmulatorTenant.grantedPermissions), e.g. a write one. */
  grantedPermissions?: string[];
}
