// The building blocks of the write recipes (./recipes.ts, ./dependencyRecipes.ts): what every
// write strips, the write permissions, the assignment bodies and the defaults of an entry.
// Sources: the project notes restore-graph.md sections 1a, 1b and 5.
import { POLICY_TYPES } from '../graph/policyTypes';
import type { AssignmentRecipe, WriteRecipe } from './recipe';

// Section 1a: what every tool strips before any write (IntuneManagement Start-GraphPreImport,
// IntuneCD remove_keys, IBR -ExcludeProperty). `supportsScopeTags: true` is a 400 (IBR).
export const SERVER_SET = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'modifiedDateTime',
  'deletedDateTime',
  'version',
  'assignments',
  'isAssigned',
  'supportsScopeTags',
  // Counters Graph derives (settings, targeted apps).
  'settingCount',
  'deployedAppCount',
] as const;

export const CONFIG = 'DeviceManagementConfiguration.ReadWrite.All';
// Scripts moved to their own scope (IntuneManagement #362); Graph's pages still name the
// configuration scope, which older registrations hold: either is accepted as advisory.
export const SCRIPTS = ['DeviceManagementScripts.ReadWrite.All', CONFIG] as const;
export const SERVICE_CONFIG = 'DeviceManagementServiceConfig.ReadWrite.All';
export const APPS = 'DeviceManagementApps.ReadWrite.All';
export const RBAC = 'DeviceManagementRBAC.ReadWrite.All';
// Policy.Read.All and Application.Read.All are needed too; the backup already requires the first.
export const CONDITIONAL_ACCESS = 'Policy.ReadWrite.ConditionalAccess';

export const ASSIGN: AssignmentRecipe = {
  mode: 'assign',
  suffix: '/assign',
  bodyKey: 'assignments',
  extras: [],
};
export const SCRIPT_ASSIGN: AssignmentRecipe = { ...ASSIGN, bodyKey: 'deviceManagementScriptAssignments' };
// Autopilot's /assign takes device ids: group targets are POSTed one by one (section 1b).
export const EACH: AssignmentRecipe = { mode: 'each', suffix: '/assignments', bodyKey: '', extras: [] };

export type Entry = Partial<WriteRecipe> & Pick<WriteRecipe, 'order' | 'permissions'>;

export const BASE: Omit<WriteRecipe, 'order' | 'permissions' | 'collection' | 'nameProperty'> = {
  family: 'intune',
  refused: null,
  createRefused: null,
  writable: { deny: SERVER_SET },
  createLists: [],
  update: { method: 'PATCH', lists: [], omit: [] },
  createOmit: [],
  subResources: [],
  assignments: ASSIGN,
  markerProperty: 'description',
  objectRefusals: [],
  notWritten: {},
};

export const deny = (...extra: string[]) => ({ deny: [...SERVER_SET, ...extra] });
export const allow = (...keys: string[]) => ({ allow: ['@odata.type', ...keys] });
export const refusedType = (why: string, order: number, permissions: readonly string[]): Entry => ({
  order,
  permissions,
  refused: why,
  assignments: null,
});

export const SCRIPT_FIELDS = [
  'displayName',
  'description',
  'scriptContent',
  'runAsAccount',
  'fileName',
  'roleScopeTagIds',
];
export const CERTIFICATE_LINKS =
  'Certificate links are navigation properties written with $ref, not restored yet: re-link them by hand.';

export function certificateLinkNames(): string[] {
  // Lazy: the registry module owns the table (src/graph/certificateReferences.ts).
  const references = POLICY_TYPES.deviceConfiguration.expansions.find((e) => e.kind === 'reference');
  if (references?.kind !== 'reference') return [];
  return [...new Set(Object.values(references.byODataType).flatMap((navs) => navs.map((nav) => nav.name)))];
}
