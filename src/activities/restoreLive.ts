// The live side of a restore, read as a backup reads it so that hashes compare: a live object
// sealed and hashed like a captured one, the references of backed-up payloads that no longer
// resolve in the tenant, and the secret placeholders a backup holds no value for. Used by the
// plan (./restorePlan.ts); apply re-reads preconditions with liveObjectOf as well.
import {
  canonicalFormOf,
  canonicalize,
  ENCRYPTED_SETTINGS,
  type FetchedPolicy,
  type GraphClient,
  type GraphObject,
  GraphRequestError,
  type PolicyTypeKey,
  SECRET_VALUE_PREFIX,
} from '../graph';
import { encryptedSettingsOf } from '../graph/encryptedSettings';
import { type ReferenceKind, type ReferenceReader, referencesOf, resolveKind, rulesFor } from '../references';
import type { SettingValueCipher } from '../secrets';
import { failureOutcome } from './captureReferences';
import { sealEncryptedSettings } from './encryptedSettings';

/** A live object as a plan compares it (src/restore/decide.ts LiveObject). */
export interface SealedLiveObject {
  graphId: string;
  payload: GraphObject;
  /** The canonical hash a backup of it now would store. */
  hash: string;
  lastModifiedDateTime: string | null;
}

/**
 * The live object sealed like a backup seals it (encrypted values replaced by their fingerprint)
 * and hashed with the same canonical form: a live object equal to its backup has its hash.
 */
export function liveObjectOf(
  type: PolicyTypeKey,
  graphId: string,
  policy: FetchedPolicy,
  seal: { tenantId: string; cipher: SettingValueCipher },
): SealedLiveObject {
  const { payload } = sealEncryptedSettings(policy, ENCRYPTED_SETTINGS[type], seal);
  const form = canonicalFormOf(type, payload);
  const modified = payload.lastModifiedDateTime ?? payload.modifiedDateTime;
  return {
    graphId,
    payload,
    hash: canonicalize(payload, form.volatileFields, form.arrays).sha256,
    lastModifiedDateTime: typeof modified === 'string' ? modified : null,
  };
}

export interface MissingReference {
  kind: string;
  id: string;
}

/**
 * The references of each payload (by source id) that the live tenant no longer has. Assignments
 * that the restore skips cannot block it. A reference that could not be read (no permission) is
 * not reported: Graph decides at apply, and the plan does not guess.
 */
export async function missingReferencesOf(
  type: PolicyTypeKey,
  payloads: ReadonlyMap<string, GraphObject>,
  options: { client: GraphClient; skipAssignments: boolean; lastAttempt: boolean; signal?: AbortSignal },
): Promise<Map<string, MissingReference[]>> {
  const rules = rulesFor(type);
  const bySource = new Map<string, MissingReference[]>();
  const ids = new Map<ReferenceKind, Set<string>>();
  for (const [sourceId, payload] of payloads) {
    const content = options.skipAssignments ? { ...payload, assignments: undefined } : payload;
    const references = referencesOf(content, rules, canonicalFormOf(type, content).volatile);
    bySource.set(sourceId, references);
    for (const { kind, id } of references) ids.set(kind, (ids.get(kind) ?? new Set()).add(id));
  }
  const missing = new Set<string>();
  const reader = liveReader(options.client, options.signal);
  for (const [kind, kindIds] of ids) {
    const resolved = await resolveKind(
      kind,
      [...kindIds].sort(),
      reader,
      failureOutcome(options.lastAttempt),
    );
    for (const row of resolved.rows) if (row.state === 'missing') missing.add(`${row.kind}:${row.id}`);
  }
  const result = new Map<string, MissingReference[]>();
  for (const [sourceId, references] of bySource)
    result.set(
      sourceId,
      references.filter(({ kind, id }) => missing.has(`${kind}:${id}`)),
    );
  return result;
}

/** What a plan records of a template Graph has no object for (decideItem: not usable). */
export const TEMPLATE_NOT_FOUND = 'not found';

/**
 * The lifecycleState of every settings catalog template the payloads were made from
 * (templateReference.templateId), one GET per distinct template: whether a template version is
 * still usable is the tenant's state today, not the backup's. A template the app may not read
 * (403) is left out: the plan does not guess, and Graph decides at apply.
 */
export async function templateStatesOf(
  payloads: Iterable<GraphObject>,
  client: GraphClient,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const ids = new Set<string>();
  for (const payload of payloads) {
    const id = (payload.templateReference as { templateId?: unknown } | null | undefined)?.templateId;
    if (typeof id === 'string' && id !== '') ids.add(id);
  }
  const states: Record<string, string> = {};
  for (const id of [...ids].sort()) {
    const url = client.url(
      'beta',
      `/deviceManagement/configurationPolicyTemplates/${encodeURIComponent(id)}`,
    );
    try {
      const template = await client.getObject(url, signal);
      if (template === null) states[id] = TEMPLATE_NOT_FOUND;
      else if (typeof template.lifecycleState === 'string') states[id] = template.lifecycleState;
    } catch (error) {
      if (!(error instanceof GraphRequestError && error.status === 403)) throw error;
    }
  }
  return states;
}

/** Reads every referenced kind from the live tenant: a plan has no run capture to look in. */
function liveReader(client: GraphClient, signal?: AbortSignal): ReferenceReader {
  return {
    getByIds: (ids, types) => client.directoryObjectsByIds(ids, types, signal),
    listPages: (version, pathAndQuery) =>
      client.collectionPages(client.url(version, pathAndQuery), 'collection', signal),
    captured: async () => undefined,
  };
}

/** Secret fingerprints the payload holds (values a backup replaced by their fingerprint). */
export function secretFingerprintsOf(payload: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      if (node.startsWith(SECRET_VALUE_PREFIX)) found.push(node);
    } else if (Array.isArray(node)) for (const element of node) walk(element);
    else if (node !== null && typeof node === 'object') for (const value of Object.values(node)) walk(value);
  };
  walk(payload);
  return found;
}

/**
 * Secret values the restore could not write back: fingerprints with no stored value, and encrypted
 * settings the backup holds only as Graph's placeholder (their plain text was not readable).
 */
export function uncapturedSecretsOf(
  type: PolicyTypeKey,
  payload: GraphObject,
  stored: ReadonlySet<string>,
): number {
  const unstored = secretFingerprintsOf(payload).filter((fingerprint) => !stored.has(fingerprint)).length;
  const rule = ENCRYPTED_SETTINGS[type];
  if (!rule) return unstored;
  const settings = payload[rule.property] as unknown[];
  const placeholders = encryptedSettingsOf(payload, rule).filter(({ index }) => {
    const value = (settings[index] as GraphObject | undefined)?.value;
    return !(typeof value === 'string' && value.startsWith(SECRET_VALUE_PREFIX));
  }).length;
  return unstored + placeholders;
}
