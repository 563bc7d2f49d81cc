// The plan's decision for one item: update, create, noop or blocked, with the precondition the
// apply re-checks (restore-graph.md section 7a). Pure: the plan activities gather the live object,
// name matches, token permissions and unresolved references, and store what this answers.
import { canonicalizePolicy } from '../graph/canonical';
import type { PolicyTypeKey } from '../graph/policyTypes';
import { diffPolicy, type FieldChange } from '../diff';
import { restorableContent } from './content';
import { isWritableType, objectRefusalOf, WRITE_RECIPES, writePermissionsOf } from './recipes';
import { intendedPayload } from './steps';
import type {
  AssignmentOption,
  BlockedReason,
  ConditionalAccessState,
  GraphJson,
  ItemAction,
  Precondition,
  RestoreMode,
} from './types';

export interface LiveObject {
  graphId: string;
  payload: GraphJson;
  hash: string;
  lastModifiedDateTime: string | null;
}

export interface LiveCandidate {
  id: string;
  name: string;
  odataType?: string;
}

export interface DecideInput {
  policyType: PolicyTypeKey;
  sourceGraphId: string;
  /** The backed-up payload, unescaped. */
  backup: GraphJson;
  mode: RestoreMode;
  assignments: AssignmentOption;
  conditionalAccessState: ConditionalAccessState;
  /** By source id, else by lineage; null = gone. */
  live: LiveObject | null;
  /** When live is null: live objects of the type with its name. */
  sameName: LiveCandidate[];
  /** Token roles; null = unknown (do not block). */
  grantedPermissions: readonly string[] | null;
  /** References that no longer resolve. */
  missingReferences: { kind: string; id: string }[];
  /** Secret placeholders without a stored plain text. */
  uncapturedSecrets: number;
  /** For the as_copy name. */
  backupCreatedAt: Date;
  /**
   * The lifecycleState of each settings catalog template the backups reference
   * (configurationPolicyTemplates; 'not found' when Graph has no such template), if the plan
   * read them: the stored payload names its template (templateReference.templateId) but not
   * whether it is still usable, so without this a write is planned and fails at apply with
   * Graph's "Invalid Reference id found in Policy created from Template" (IntuneManagement #241,
   * #209; CIPP #4240). A template absent from the map is taken as usable (not read: Graph decides).
   */
  templateStates?: Readonly<Record<string, string>>;
}

/**
 * Template states Graph still writes policies from: the current version and the one it replaced
 * (IntuneManagement warns on any other lifecycleState; deprecated and retired versions only keep
 * the policies already made from them).
 */
export const USABLE_TEMPLATE_STATES: readonly string[] = ['active', 'superseded'];

/** The backup's template and its state when Graph no longer writes policies from it. */
function unusableTemplateOf(input: DecideInput): { id: string; state: string } | undefined {
  const id = (input.backup.templateReference as { templateId?: unknown } | undefined)?.templateId;
  if (typeof id !== 'string' || id === '') return undefined;
  const state = input.templateStates?.[id];
  return state === undefined || USABLE_TEMPLATE_STATES.includes(state) ? undefined : { id, state };
}

export interface Adjustment {
  path: string;
  from: unknown;
  to: unknown;
  reason: string;
}

export interface Decision {
  action: ItemAction;
  blockedReason?: BlockedReason;
  blockedDetail?: string;
  targetGraphId?: string;
  precondition: Precondition;
  /** Update: leaf changes live -> backup. */
  changes?: FieldChange[];
  /** CA report-only, copy name. */
  adjustments?: Adjustment[];
  /** Create: the name it gets (as_copy: a suffix). */
  createName?: string;
  /** Why a noop is one when it is not "equal" (missing_only: the object exists). */
  detail?: string;
}

/** The name of a copy: the original with the backup's date, so copies of two backups differ. */
export function copyName(name: string, backupCreatedAt: Date): string {
  return `${name} (restored from ${backupCreatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
}

const ABSENT: Precondition = { absent: true };

function blocked(reason: BlockedReason, detail: string, precondition: Precondition): Decision {
  return { action: 'blocked', blockedReason: reason, blockedDetail: detail, precondition };
}

/** The content compared for noop and diffed for an update; assignments only when they are written. */
function comparable(input: DecideInput, payload: GraphJson): GraphJson {
  const content = restorableContent(input.policyType, payload);
  if (input.assignments === 'skip') delete content.assignments;
  return content;
}

export function decideItem(input: DecideInput): Decision {
  const type = input.policyType;
  const recipe = WRITE_RECIPES[type];
  const precondition: Precondition = input.live
    ? { hash: input.live.hash, lastModifiedDateTime: input.live.lastModifiedDateTime }
    : ABSENT;
  if (!isWritableType(type)) return blocked('type_refused', recipe.refused ?? '', precondition);
  const refusal = objectRefusalOf(type, input.backup);
  if (refusal?.reason === 'type_refused') return blocked('type_refused', refusal.why, precondition);

  const name = String(input.backup[recipe.nameProperty] ?? '');
  const createName = input.mode === 'as_copy' ? copyName(name, input.backupCreatedAt) : undefined;
  const intended = intendedPayload({ ...input, createName });
  const adjustments: Adjustment[] = [];
  if (intended.state !== input.backup.state)
    adjustments.push({
      path: '/state',
      from: input.backup.state,
      to: intended.state,
      reason:
        'Conditional Access policies are restored report-only unless the request asks for the backed-up state.',
    });
  if (createName !== undefined)
    adjustments.push({
      path: `/${recipe.nameProperty}`,
      from: name,
      to: createName,
      reason: 'A copy gets a new name.',
    });

  // What the item would do, before the checks that block a write.
  let action: ItemAction;
  let changes: FieldChange[] | undefined;
  if (input.mode === 'as_copy' || input.live === null) {
    action = 'create';
  } else {
    const live = comparable(input, input.live.payload);
    const wanted = comparable(input, intended);
    const same = canonicalizePolicy(type, live).json === canonicalizePolicy(type, wanted).json;
    if (input.mode === 'missing_only' || same) {
      return {
        action: 'noop',
        targetGraphId: input.live.graphId,
        precondition,
        ...(adjustments.length > 0 ? { adjustments } : {}),
        ...(same ? {} : { detail: 'The object exists; missing_only leaves existing objects as they are.' }),
      };
    }
    action = 'update';
    changes = diffPolicy(type, live, wanted)?.fields ?? [];
  }

  const createPrecondition = action === 'create' ? ABSENT : precondition;
  const granted = input.grantedPermissions;
  if (granted !== null && !writePermissionsOf(type).some((permission) => granted.includes(permission)))
    return blocked(
      'permission_missing',
      `Needs one of: ${writePermissionsOf(type).join(', ')}.`,
      createPrecondition,
    );
  if (action === 'create') {
    if (recipe.createRefused !== null) return blocked('create_refused', recipe.createRefused, ABSENT);
    if (refusal !== undefined) return blocked('create_refused', refusal.why, ABSENT);
    const template = unusableTemplateOf(input);
    if (template !== undefined)
      return blocked(
        'create_refused',
        `Its template ${template.id} is ${template.state}: Graph creates no policy from a template that is not active or superseded.`,
        ABSENT,
      );
    // A copy gets a name of its own; in_place and missing_only would add a second object beside
    // one re-made by hand under the same name.
    if (input.mode !== 'as_copy' && input.sameName.length > 0)
      return blocked(
        'ambiguous_match',
        `The object is gone and ${input.sameName.length} live object(s) have its name: ${input.sameName.map((c) => c.id).join(', ')}.`,
        ABSENT,
      );
  }
  // An update is a PUT of the whole policy, which Graph validates against the template as a create.
  const template = action === 'update' ? unusableTemplateOf(input) : undefined;
  if (template !== undefined)
    return blocked(
      'type_refused',
      `Its template ${template.id} is ${template.state}: Graph refuses a PUT of a policy made from it (settings can no longer be written; re-create the policy from the current template version).`,
      createPrecondition,
    );
  if (input.missingReferences.length > 0)
    return blocked(
      'missing_reference',
      `No longer exists: ${input.missingReferences.map((ref) => `${ref.kind} ${ref.id}`).join(', ')}.`,
      createPrecondition,
    );
  if (input.uncapturedSecrets > 0)
    return blocked(
      'secret_not_captured',
      `${input.uncapturedSecrets} secret value(s) were not captured at backup.`,
      createPrecondition,
    );

  const decision: Decision = { action, precondition: createPrecondition };
  if (action === 'update' && input.live !== null) {
    decision.targetGraphId = input.live.graphId;
    decision.changes = changes;
  }
  if (action === 'create') decision.createName = createName ?? name;
  if (adjustments.length > 0) decision.adjustments = adjustments;
  return decision;
}
