// An item's write steps, from its type's recipe (./recipes.ts) and its backed-up payload: the
// create or update, the sub-resources, the assignments with the complete list, and for a create
// that wrote a marker the step that takes it out again (restore-graph.md sections 1, 2, 7b).
import type { PolicyTypeKey } from '../graph/policyTypes';
import { assignmentBodies, shapeList, writableProperties } from './content';
import { withMarker } from './marker';
import { collectionOf, objectRefusalOf, WRITE_RECIPES } from './recipes';
import { subResourceSteps } from './subResources';
import type { AssignmentOption, ConditionalAccessState, GraphJson, WriteStep } from './types';

export interface StepInput {
  policyType: PolicyTypeKey;
  /** Unescaped, secret placeholders replaced by plain text. */
  backup: GraphJson;
  action: 'create' | 'update';
  targetGraphId: string | null;
  /** The live payload read just before (update), for deltas. */
  live: GraphJson | null;
  assignments: AssignmentOption;
  conditionalAccessState: ConditionalAccessState;
  createName?: string;
  marker: string;
}

/** Graph's report-only state, what an enabled policy is restored as unless asked otherwise. */
export const REPORT_ONLY = 'enabledForReportingButNotEnforced';

/**
 * The backed-up payload as it is to be written: the new name of a copy, and a Conditional Access
 * policy that was on restored report-only (a disabled or report-only one keeps its state).
 */
export function intendedPayload(
  input: Pick<StepInput, 'policyType' | 'backup' | 'conditionalAccessState' | 'createName'>,
): GraphJson {
  const out: GraphJson = { ...input.backup };
  if (input.createName !== undefined) out[WRITE_RECIPES[input.policyType].nameProperty] = input.createName;
  if (
    input.policyType === 'conditionalAccessPolicies' &&
    input.conditionalAccessState === 'report_only' &&
    out.state === 'enabled'
  )
    out.state = REPORT_ONLY;
  return out;
}

/** The object's create or update body: writable properties and the lists written inline. */
export function mainBody(type: PolicyTypeKey, payload: GraphJson, action: 'create' | 'update'): GraphJson {
  const recipe = WRITE_RECIPES[type];
  const body = writableProperties(type, payload);
  for (const key of action === 'create' ? recipe.createOmit : recipe.update.omit) delete body[key];
  for (const list of action === 'create' ? recipe.createLists : recipe.update.lists)
    body[list] = shapeList(list, payload[list]);
  return body;
}

export function stepsFor(input: StepInput): WriteStep[] {
  const type = input.policyType;
  const recipe = WRITE_RECIPES[type];
  if (recipe.refused !== null) throw new Error(`${type} is not written back: ${recipe.refused}`);
  const payload = intendedPayload(input);
  const collection = collectionOf(type, payload);
  const objectPath = `${collection}/{id}`;
  const family = recipe.family;
  const refusal = objectRefusalOf(type, payload);
  if (refusal?.reason === 'type_refused') throw new Error(`${type} object refused: ${refusal.why}`);
  if (input.action === 'create' && (recipe.createRefused !== null || refusal !== undefined))
    throw new Error(`${type} object cannot be created: ${recipe.createRefused ?? refusal?.why}`);

  const steps: WriteStep[] = [];
  const body = mainBody(type, payload, input.action);
  const marked = input.action === 'create' && recipe.markerProperty !== null ? recipe.markerProperty : null;
  if (input.action === 'create') {
    if (marked !== null) body[marked] = withMarker(payload[marked], input.marker);
    steps.push({
      name: 'create',
      kind: 'create',
      family,
      path: collection,
      body,
      markerProperty: marked,
      nameProperty: recipe.nameProperty,
      objectName: String(payload[recipe.nameProperty] ?? ''),
    });
  } else {
    steps.push({
      name: 'update',
      kind: 'request',
      family,
      method: recipe.update.method,
      path: objectPath,
      body,
    });
  }

  // What a create may not carry but an update may (a notification template's description) is
  // written right after it.
  const deferred = recipe.createOmit.filter(
    (key) => !recipe.update.omit.includes(key) && payload[key] != null,
  );
  if (input.action === 'create' && deferred.length > 0) {
    const written = writableProperties(type, payload);
    steps.push({
      name: 'completeCreate',
      kind: 'request',
      family,
      method: 'PATCH',
      path: objectPath,
      body: Object.fromEntries(deferred.map((key) => [key, written[key]])),
    });
  }

  // A default enrollment configuration is written by its update alone: no priority, no assignments.
  const updateOnly = refusal?.reason === 'create_refused';
  const context = { type, family, objectPath, action: input.action, backup: payload, live: input.live };
  for (const kind of recipe.subResources) {
    if (updateOnly && kind === 'setPriority') continue;
    steps.push(...subResourceSteps(kind, context));
  }

  if (input.assignments === 'restore' && recipe.assignments !== null && !updateOnly) {
    const assignments = assignmentBodies(type, payload);
    // An update sends the complete list even when empty (the backup had none); a create has none to clear.
    if (recipe.assignments.mode === 'each') {
      if (assignments.length > 0)
        steps.push({
          name: 'assignments',
          kind: 'ensureEach',
          family,
          listPath: `${objectPath}/assignments`,
          postPath: `${objectPath}${recipe.assignments.suffix}`,
          key: ['target.groupId'],
          bodies: assignments,
        });
    } else if (assignments.length > 0 || input.action === 'update') {
      steps.push({
        name: 'assign',
        kind: 'request',
        family,
        method: 'POST',
        path: `${objectPath}${recipe.assignments.suffix}`,
        body: { [recipe.assignments.bodyKey]: assignments },
      });
    }
  }

  if (marked !== null) {
    // A PUT type replaces the whole object: its unmark sends the create body without the marker.
    const unmarkBody =
      recipe.update.method === 'PUT'
        ? mainBody(type, payload, 'update')
        : { [marked]: payload[marked] ?? null };
    steps.push({
      name: 'unmark',
      kind: 'request',
      family,
      method: recipe.update.method,
      path: objectPath,
      body: unmarkBody,
    });
  }
  return steps;
}
