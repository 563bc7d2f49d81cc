// The words of a restore, shared by the plan builder, the apply steps, the API and the emulator's
// tests. A restore is planned first (RestorePlan workflow: every item gets an action), then applied
// (RestoreRun workflow: every item's write steps, each recorded in the ledger restore_steps).
import type { PolicyTypeKey } from '../graph/policyTypes';

export const RESTORE_MODES = ['in_place', 'missing_only', 'as_copy'] as const;
export type RestoreMode = (typeof RESTORE_MODES)[number];

/** `restore`: the backed-up assignments are written with the complete list; `skip`: left as they are. */
export const ASSIGNMENT_OPTIONS = ['restore', 'skip'] as const;
export type AssignmentOption = (typeof ASSIGNMENT_OPTIONS)[number];

/**
 * What a Conditional Access policy's `state` becomes: report-only unless the request explicitly
 * asks for the backed-up state (a restored policy that blocks sign-ins can lock everyone out).
 */
export const CONDITIONAL_ACCESS_STATES = ['report_only', 'as_backed_up'] as const;
export type ConditionalAccessState = (typeof CONDITIONAL_ACCESS_STATES)[number];

export const ITEM_ACTIONS = ['update', 'create', 'noop', 'blocked'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

export const ITEM_OUTCOMES = ['created', 'updated', 'noop', 'stale', 'blocked', 'failed'] as const;
export type ItemOutcome = (typeof ITEM_OUTCOMES)[number];

export const RESTORE_END_STATES = ['succeeded', 'partial', 'failed', 'canceled'] as const;
export type RestoreEndState = (typeof RESTORE_END_STATES)[number];

/** Why an item is `blocked`, as data: the code the API shows and what it means to a person. */
export const BLOCKED_REASONS = {
  type_refused: 'Graph does not let anyone write objects of this type (or this object) back.',
  create_refused:
    'Objects like this one may be updated in place but never created (built-in, default or retired).',
  permission_missing: "The tenant's app registration lacks the Graph write permission this type needs.",
  missing_reference:
    'The object refers to another object (group, filter, scope tag, ...) that no longer exists.',
  ambiguous_match: 'The backed-up object is gone and several live objects have its name and type.',
  secret_not_captured: 'A secret value of the object was not captured at backup and cannot be written back.',
  not_in_backup: 'The backup set does not hold this object.',
} as const;
export type BlockedReason = keyof typeof BLOCKED_REASONS;

export type Verification = 'verified' | 'verified_with_server_changes';

/** What the live object was when the plan was made; apply re-checks it before writing. */
export type Precondition = { absent: true } | { hash: string; lastModifiedDateTime: string | null };

/** The families of Graph's write limits (src/restore/writeBudget.ts paces each per tenant). */
export type WriteFamily = 'intune' | 'conditionalAccess';

export type GraphJson = Record<string, unknown>;

/**
 * One write of an item, built from its write recipe (./recipes.ts) by ./steps.ts. Paths are from
 * the Graph version root and may hold `{id}`, replaced by the target object's id (the planned one
 * for an update, the created one after a create). Bodies may hold secrets (script content,
 * restored OMA-URI values): steps are built inside activities and never cross Temporal.
 */
export type WriteStep =
  /** POST to a collection; the answer's `id` becomes the target id of every later step. */
  | {
      name: 'create';
      kind: 'create';
      family: WriteFamily;
      path: string;
      body: GraphJson;
      /** Where the create's marker was written (./marker.ts), or null: found by name and time. */
      markerProperty: string | null;
      /** The property that names the object, to look it up after an ambiguous outcome. */
      nameProperty: string;
      /** The name the create gives it. */
      objectName: string;
    }
  /** A request safe to repeat: PATCH, PUT, or an action with replace-all semantics (`/assign`). */
  | {
      name: string;
      kind: 'request';
      family: WriteFamily;
      method: 'PATCH' | 'PUT' | 'POST';
      path: string;
      body: GraphJson;
      /** Top-level body keys whose string values hold `{id}`, replaced like the path's. */
      idInBody?: readonly string[];
    }
  /**
   * POSTs that add one element each (Autopilot assignments, notification message locales): the
   * live list at `listPath` is read first and only elements whose `key` values are missing are
   * posted, so a repeated step adds nothing twice.
   */
  | {
      name: string;
      kind: 'ensureEach';
      family: WriteFamily;
      listPath: string;
      postPath: string;
      /** Dotted paths compared between a live element and a body (e.g. 'target.groupId'). */
      key: readonly string[];
      bodies: GraphJson[];
      /** Top-level keys of each body whose string values hold `{id}`, replaced like the paths'. */
      idInBody?: readonly string[];
    };

/** The workflow inputs: ids only; everything else is read from PostgreSQL by the activities. */
export interface RestorePlanInput {
  restoreId: string;
}

export interface RestoreRunInput {
  restoreId: string;
  /** The apply round (restores.apply_rounds at the time of the apply request), from 1. */
  round: number;
}

/** A policy type with its Graph id, as the API names an item. */
export interface ItemRef {
  policyType: PolicyTypeKey;
  graphId: string;
}
