import type { PolicyTypeKey } from '../../graph/policyTypes';
import { INGESTION_TYPE_OF_DEFINITION } from '../generators/administrativeTemplates';
import { featureUpdateContent, qualityUpdateContent } from '../generators/updates';
import { listOf } from '../tenantObjects';
import type { EmulatorNode, GraphJson } from '../types';

// Properties Graph derives from what was written rather than taking them from a body, the way the
// emulator's generators derive them (reusing their tables): applied after every create, edit,
// action and sub-resource write, so a created object reads as Graph would answer it.

type Derivation = (node: EmulatorNode) => GraphJson;

/**
 * Built-in and custom definitions both used: Graph's `mixed`. Without values yet (a restore
 * creates the policy, then writes its values) the policy keeps what it says, else `unknown`.
 */
function ingestionType(node: EmulatorNode): GraphJson {
  const kinds = new Set(
    listOf(node, 'definitionValues').map((value) => {
      const definition = value.expandable?.definition as GraphJson | undefined;
      return INGESTION_TYPE_OF_DEFINITION[String(definition?.policyType)] ?? 'unknown';
    }),
  );
  const [only] = kinds;
  if (only === undefined)
    return 'policyConfigurationIngestionType' in node.object
      ? {}
      : { policyConfigurationIngestionType: 'unknown' };
  return { policyConfigurationIngestionType: kinds.size > 1 ? 'mixed' : only };
}

function qualityUpdate(node: EmulatorNode): GraphJson {
  const release = (node.object.expeditedUpdateSettings as GraphJson | null | undefined)?.qualityUpdateRelease;
  return typeof release === 'string' ? qualityUpdateContent(release) : {};
}

/** The locale of the message marked isDefault; left as it is while no message is. */
function defaultLocale(node: EmulatorNode): GraphJson {
  const message = listOf(node, 'localizedNotificationMessages').find((m) => m.object.isDefault === true);
  return message === undefined ? {} : { defaultLocale: message.object.locale };
}

const DERIVED: Partial<Record<PolicyTypeKey, Derivation>> = {
  administrativeTemplates: ingestionType,
  featureUpdateProfiles: (node) =>
    'featureUpdateVersion' in node.object ? featureUpdateContent(node.object.featureUpdateVersion) : {},
  qualityUpdateProfiles: qualityUpdate,
  notificationTemplates: defaultLocale,
  // Graph mirrors rolePermissions into the deprecated permissions.
  roleDefinitions: (node) =>
    'rolePermissions' in node.object ? { permissions: node.object.rolePermissions } : {},
};

/** Sets on the node's object what Graph derives for its type (in place; the node is a fresh copy). */
export function deriveInto(type: PolicyTypeKey, node: EmulatorNode): EmulatorNode {
  const derivation = DERIVED[type];
  if (derivation !== undefined) Object.assign(node.object, derivation(node));
  return node;
}
