import type { PolicyTypeKey } from '../graph/policyTypes';
import type { GraphCall } from './graphApi';
import { graphError } from './graphErrors';
import { type BoundFunction, ENTITY_SETS } from './graphSurface';
import type { Reply } from './httpUtil';
import { Rng } from './prng';
import type { EmulatorTenant } from './tenantStore';
import type { EmulatorNode, GraphJson } from './types';

// Setting values Intune stores encrypted, as Graph serves them: an object written with
// `isEncrypted: true` and a plain `value` is served with `value: "****"` and a reference
// (`secretReferenceValueId`); the plain text only comes from the function the surface describes
// on the item's entity set (graphSurface.ts `functions`), and only to a tenant whose app holds its
// permission (403 naming it otherwise). Which types are sealed follows from the surface too: the
// types its sets with such a function hold.

/** What Graph sends in place of an encrypted value (ModernWorkplaceConcierge #86 shows "****"). */
export const ENCRYPTED_PLACEHOLDER = '****';

const sealing = new Map<PolicyTypeKey, BoundFunction | undefined>();

/** The sealing function of the sets that hold a type's objects, if any. */
function sealingOf(type: PolicyTypeKey): BoundFunction | undefined {
  if (!sealing.has(type)) {
    const sets = ENTITY_SETS.filter((set) =>
      set.holds.some((h) => 'type' in h && h.type === type && !('elementsOf' in h)),
    );
    sealing.set(type, sets.flatMap((set) => Object.values(set.functions ?? {}))[0]);
  }
  return sealing.get(type);
}

/**
 * Moves the plain values of the node's encrypted settings into `node.secretValues`, as Intune
 * does on a write: each gets a reference `<guid>_<policyId>_<guid>` (the shape Microsoft365DSC's
 * M365DSCDRGUtil.psm1 parses) unless it has one, stable for the same setting of the same policy.
 */
export function sealNode(type: PolicyTypeKey, node: EmulatorNode): EmulatorNode {
  const rule = sealingOf(type);
  const settings = rule && node.object[rule.settings];
  if (!rule || !Array.isArray(settings)) return node;
  const policyId = String(node.object.id);
  settings.forEach((setting: GraphJson, index) => {
    if (setting?.isEncrypted !== true || setting.value === ENCRYPTED_PLACEHOLDER) return;
    const rng = new Rng(`${policyId}|${String(setting.omaUri ?? index)}|secret`);
    const reference =
      typeof setting[rule.parameter] === 'string'
        ? String(setting[rule.parameter])
        : `${rng.guid()}_${policyId}_${rng.guid()}`;
    node.secretValues = { ...node.secretValues, [reference]: String(setting.value ?? '') };
    settings[index] = { ...setting, [rule.parameter]: reference, value: ENCRYPTED_PLACEHOLDER };
  });
  return node;
}

/** Changes a hand-written policy's encrypted value, found by its omaUri, as an admin's edit would. */
export function setEncryptedValue(
  tenant: EmulatorTenant,
  request: { type: PolicyTypeKey; policyId: string; omaUri: string; value: string },
): boolean {
  const rule = sealingOf(request.type);
  const record = tenant.objects.find(request.type, request.policyId);
  if (!rule || record?.kind !== 'static') return false;
  const settings = record.node.object[rule.settings];
  const setting = Array.isArray(settings)
    ? (settings as GraphJson[]).find((s) => s.isEncrypted === true && s.omaUri === request.omaUri)
    : undefined;
  const reference = setting?.[rule.parameter];
  if (typeof reference !== 'string') return false;
  record.node.secretValues = { ...record.node.secretValues, [reference]: request.value };
  return true;
}

/** The answer to a call of a sealing function (graphSurface.ts `functions`) on the item `node`. */
export function servePlainText(
  call: GraphCall,
  request: { rule: BoundFunction; argument: string },
  node: EmulatorNode,
  tenant: EmulatorTenant,
): Reply {
  const { rule, argument } = request;
  if (!rule.permissions.some((scope) => tenant.grantedPermissions.includes(scope))) {
    return graphError(
      403,
      'Forbidden',
      `Application is not authorized to perform this operation. Application must have one of the following scopes: ${rule.permissions.join(', ')}`,
    );
  }
  const plain = node.secretValues?.[argument];
  if (plain === undefined) {
    return graphError(404, 'ResourceNotFound', `Secret reference '${argument}' does not exist.`);
  }
  return {
    status: 200,
    body: { '@odata.context': `${call.url.origin}/${call.version}/$metadata#Edm.String`, value: plain },
  };
}
