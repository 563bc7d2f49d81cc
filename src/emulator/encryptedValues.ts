import { ENCRYPTED_SETTINGS, type EncryptedSettingRule } from '../graph/encryptedSettings';
import { POLICY_TYPES, type PolicyTypeKey } from '../graph/policyTypes';
import { graphError } from './graphErrors';
import type { GraphCall, ServeContext } from './graphApi';
import type { Reply } from './httpUtil';
import { Rng } from './prng';
import type { EmulatorTenant } from './tenantStore';
import type { EmulatorNode, GraphJson } from './types';

// Setting values Intune stores encrypted (src/graph/encryptedSettings.ts), as Graph serves them:
// an object written with `isEncrypted: true` and a plain `value` is served with `value: "****"`
// and a `secretReferenceValueId`; the plain text only comes from the rule's function below the
// item, and only to a tenant whose app holds the rule's permission (403 naming it otherwise).
// Self-contained: serveCall asks serveEncryptedValue before resolving a registry endpoint.

/** What Graph sends in place of an encrypted value (ModernWorkplaceConcierge #86 shows "****"). */
export const ENCRYPTED_PLACEHOLDER = '****';

const RULES = Object.entries(ENCRYPTED_SETTINGS) as [PolicyTypeKey, EncryptedSettingRule][];
const split = (path: string) => path.split('/').filter((s) => s !== '');

/**
 * Moves the plain values of the node's encrypted settings into `node.secretValues`, as Intune
 * does on a write: each gets a reference `<guid>_<policyId>_<guid>` (the shape Microsoft365DSC's
 * M365DSCDRGUtil.psm1 parses) unless it has one, stable for the same setting of the same policy.
 */
export function sealNode(type: PolicyTypeKey, node: EmulatorNode): EmulatorNode {
  const rule = ENCRYPTED_SETTINGS[type];
  const settings = rule && node.object[rule.property];
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
  const rule = ENCRYPTED_SETTINGS[request.type];
  const record = tenant.objects.find(request.type, request.policyId);
  if (!rule || record?.kind !== 'static') return false;
  const settings = record.node.object[rule.property];
  const setting = Array.isArray(settings)
    ? (settings as GraphJson[]).find((s) => s.isEncrypted === true && s.omaUri === request.omaUri)
    : undefined;
  const reference = setting?.[rule.parameter];
  if (typeof reference !== 'string') return false;
  record.node.secretValues = { ...record.node.secretValues, [reference]: request.value };
  return true;
}

/** The answer to a call of a rule's plain-text function, or undefined for any other call. */
export function serveEncryptedValue(call: GraphCall, ctx: ServeContext): Reply | undefined {
  for (const [type, rule] of RULES) {
    const match = matchCall(type, rule, call.segments);
    if (match === undefined) continue;
    if (!ctx.tenant.grantedPermissions.includes(rule.permission)) {
      return graphError(
        403,
        'Forbidden',
        `Application is not authorized to perform this operation. Application must have one of the following scopes: ${rule.permission}`,
      );
    }
    const record = ctx.tenant.objects.find(type, match.itemId);
    const plain = record && ctx.tenant.objects.node(type, record).secretValues?.[match.reference];
    if (plain === undefined) {
      return graphError(404, 'ResourceNotFound', `Secret reference '${match.reference}' does not exist.`);
    }
    return {
      status: 200,
      body: { '@odata.context': `${call.url.origin}/${call.version}/$metadata#Edm.String`, value: plain },
    };
  }
  return undefined;
}

function matchCall(
  type: PolicyTypeKey,
  rule: EncryptedSettingRule,
  segments: readonly string[],
): { itemId: string; reference: string } | undefined {
  // `name(parameter='value')`, the name optionally namespace-qualified, matched case-insensitively;
  // a quote inside the value is written twice (OData string literal).
  const call = new RegExp(
    `^(?:microsoft\\.graph\\.)?${rule.plainTextFunction}\\(\\s*${rule.parameter}\\s*=\\s*'((?:[^']|'')*)'\\s*\\)$`,
    'i',
  );
  for (const collection of POLICY_TYPES[type].collections) {
    const prefix = split(collection.path);
    if (segments.length !== prefix.length + 2) continue;
    if (!prefix.every((segment, i) => segment.toLowerCase() === segments[i]?.toLowerCase())) continue;
    const found = call.exec(segments[prefix.length + 1] ?? '');
    if (found)
      return { itemId: segments[prefix.length] ?? '', reference: (found[1] ?? '').replaceAll("''", "'") };
  }
  return undefined;
}
