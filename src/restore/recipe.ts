// The shape of a write recipe: how one registry type is written back to Graph, as data
// (./recipes.ts holds one per type; ./steps.ts turns a recipe and a payload into write steps).
// Sources: the project notes restore-graph.md sections 1 (per-type recipes), 2 (idempotency),
// 5 (write permissions), 6 (write limits) and 7e (what to refuse).
import type { BlockedReason, WriteFamily } from './types';

/**
 * Which top-level properties of a stored payload a create or update body carries. An allow-list
 * where the type's shape is bounded (new read-only properties Graph adds cannot break the write,
 * restore-graph.md 0.5); a deny-list for the polymorphic collections (device configurations,
 * compliance, enrollment, app policies have hundreds of derived types whose writable properties
 * are only in Graph's $metadata, which TenantVault does not read).
 */
export type WritableProperties = { allow: readonly string[] } | { deny: readonly string[] };

/** Sub-resources written by their own calls (./subResources.ts builds each kind's steps). */
export type SubResourceKind =
  /** compliance: `POST {id}/scheduleActionsForRules` on update (create carries them inline). */
  | 'scheduleActionsForRules'
  /** settings-based compliance: `POST {id}/setScheduledActions` on update (inline on create). */
  | 'setScheduledActions'
  /** administrative templates: `POST {id}/updateDefinitionValues {added, updated, deletedIds}`. */
  | 'updateDefinitionValues'
  /** endpoint security intents: `POST {id}/updateSettings {settings}`. */
  | 'intentSettings'
  /** enrollment configurations and Apple user enrollment: `POST {id}/setPriority {priority}`. */
  | 'setPriority'
  /** notification templates: one `localizedNotificationMessages` element per locale. */
  | 'notificationMessages'
  /** MAM policies and MAM app configurations: `POST {id}/targetApps {apps, appGroupType}`. */
  | 'targetApps'
  /** windows10GeneralConfiguration: `POST {id}/windowsPrivacyAccessControls`. */
  | 'privacyAccessControls'
  /** role definitions: one `/deviceManagement/roleAssignments` element per assignment. */
  | 'roleAssignments';

export interface AssignmentRecipe {
  /**
   * `assign`: one POST to `{id}<suffix>` with the complete list under `bodyKey` (replace-all,
   * restore-graph.md 0.3); `each`: one POST per target to `{id}/assignments` (Autopilot, whose
   * `/assign` takes device ids), only for targets the live list lacks.
   */
  mode: 'assign' | 'each';
  /** Below the object's path: '/assign', or a cast such as '/microsoft.graph.x/assign'. */
  suffix: string;
  bodyKey: string;
  /** Assignment properties beside `target` that are written (remediations' schedule). */
  extras: readonly string[];
}

/** An object of the type that is refused, told by its own payload. */
export interface ObjectRefusal {
  /** Dotted path in the payload, and the values that mark the object. */
  path: string;
  equals?: readonly unknown[];
  /** Or a regular expression its string value matches. */
  matches?: RegExp;
  /** `type_refused`: never written; `create_refused`: may be updated, never created. */
  reason: Extract<BlockedReason, 'type_refused' | 'create_refused'>;
  why: string;
}

export interface WriteRecipe {
  family: WriteFamily;
  /** Application permissions, any one of which lets the app write the type (advisory). */
  permissions: readonly string[];
  /** Restore order: lower first (a type's dependencies before it). */
  order: number;
  /** Why the whole type cannot be written back, or null when it can. */
  refused: string | null;
  /** The collection a create POSTs to and an update addresses (`{collection}/{id}`). */
  collection: string;
  /** Per `@odata.type`, another collection (app policies live in type-specific collections). */
  collectionByODataType?: Readonly<Record<string, string>>;
  /** Why no object of the type can be created (update only), or null. */
  createRefused: string | null;
  writable: WritableProperties;
  /** Registry lists written inline in the create body (settings catalog settings). */
  createLists: readonly string[];
  update: {
    /** PUT replaces the object with its lists (settings catalog: PATCH with settings is a 400). */
    method: 'PATCH' | 'PUT';
    lists: readonly string[];
    /** Properties Graph refuses to change after create (left out of the update body). */
    omit: readonly string[];
  };
  /**
   * Properties a create must not carry although an update may (notification `description`):
   * written by a PATCH right after the create.
   */
  createOmit: readonly string[];
  subResources: readonly SubResourceKind[];
  assignments: AssignmentRecipe | null;
  /** The property a create's marker is written into, or null (the type has none that round-trips). */
  markerProperty: string | null;
  /** The property that names an object. */
  nameProperty: string;
  objectRefusals: readonly ObjectRefusal[];
  /** Registry lists and properties that are deliberately not written back, and why. */
  notWritten: Readonly<Record<string, string>>;
}
