import type { PolicyTypeKey } from '../graph/policyTypes';
import { ENTITY_SETS } from './graphSurface';
import { Rng } from './prng';
import type { TenantPools } from './pools';
import type { EmulatorNode, GraphJson } from './types';

// What the tenant's audit logs say about changes made through the emulator's admin API (patch,
// mutate, planted objects): one event per object changed, at the time of the change, after the
// seeded history (./auditEvents.ts). Intune objects are logged in Intune's audit log
// (`/deviceManagement/auditEvents`); Conditional Access policies and named locations in the
// directory audit log (`/auditLogs/directoryAudits`), as Entra ID records them.
// Shapes: Learn resources/intune-auditing-auditevent.md (auditEvent, auditActor, auditResource)
// and resources/directoryaudit.md (directoryAudit, auditActivityInitiator, targetResource) in
// microsoft-graph-docs-contrib, v1.0.

export type AuditOperation = 'Create' | 'Patch' | 'Delete';
export type AuditLogKind = 'auditEvents' | 'directoryAudits';

/** Types Entra ID audits, with the noun of their activity names ('Update named location'). */
const DIRECTORY_AUDITED: Partial<Record<PolicyTypeKey, string>> = {
  conditionalAccessPolicies: 'conditional access policy',
  namedLocations: 'named location',
};
const DIRECTORY_VERB: Record<AuditOperation, string> = { Create: 'Add', Patch: 'Update', Delete: 'Delete' };

/** Intune's audit categories (getAuditCategories) by where the type's collection lives. */
const INTUNE_CATEGORIES: readonly [RegExp, string][] = [
  [/^\/deviceAppManagement\//, 'Application'],
  [/\/role(Definitions|ScopeTags|Assignments)$/, 'Role'],
  [/Compliance/, 'Compliance'],
  [/Enrollment|Autopilot|depOnboarding/, 'Enrollment'],
  [/./, 'DeviceConfiguration'],
];

/** How many users of the tenant's directory pool make the changes no actor is given for. */
const GENERATED_ADMINS = 3;

/** Who made a change: a user (by UPN) or an application (by app id). */
type Actor =
  | { kind: 'user'; userPrincipalName: string; id: string; displayName: string }
  | { kind: 'app'; appId: string; displayName: string; servicePrincipalId: string | null };

export interface AuditedChange {
  type: PolicyTypeKey;
  id: string;
  displayName: string;
  operation: AuditOperation;
  /** A user principal name or an application (client) id; absent: one of a few generated admins. */
  actor?: string;
}

function intuneResourceType(type: PolicyTypeKey): { resourceType: string; category: string } {
  const set = ENTITY_SETS.find((s) => s.holds.some((h) => 'type' in h && h.type === type));
  const resourceType = (set?.graphType ?? type).replace(/^microsoft\.graph\./, '');
  const category = INTUNE_CATEGORIES.find(([pattern]) => pattern.test(set?.path ?? ''))?.[1] as string;
  return { resourceType, category };
}

export class TenantAuditLog {
  private readonly entries: Record<AuditLogKind, EmulatorNode[]> = { auditEvents: [], directoryAudits: [] };
  private readonly rng: Rng;

  constructor(
    label: string,
    private readonly pools: () => TenantPools,
  ) {
    this.rng = new Rng(`${label}|auditLog`);
  }

  list(kind: AuditLogKind): readonly EmulatorNode[] {
    return this.entries[kind];
  }

  find(kind: AuditLogKind, id: string): EmulatorNode | undefined {
    return this.entries[kind].find((node) => String(node.object.id).toLowerCase() === id.toLowerCase());
  }

  /** Logs one change now; returns the event as served. */
  record(change: AuditedChange): GraphJson {
    const actor = this.actor(change.actor);
    const noun = DIRECTORY_AUDITED[change.type];
    const object =
      noun === undefined ? this.intuneEvent(change, actor) : this.directoryAudit(change, actor, noun);
    this.entries[noun === undefined ? 'auditEvents' : 'directoryAudits'].push({ object });
    return object;
  }

  private intuneEvent(change: AuditedChange, actor: Actor): GraphJson {
    const { resourceType, category } = intuneResourceType(change.type);
    const activity = `${change.operation} ${resourceType}`;
    return {
      id: this.rng.guid(),
      displayName: activity,
      componentName: category,
      actor:
        actor.kind === 'user'
          ? {
              type: 'ItPro',
              auditActorType: 'ItPro',
              userPermissions: ['*'],
              applicationId: null,
              applicationDisplayName: null,
              userPrincipalName: actor.userPrincipalName,
              servicePrincipalName: null,
              ipAddress: null,
              userId: actor.id,
            }
          : {
              type: 'Application',
              auditActorType: 'Application',
              userPermissions: [],
              applicationId: actor.appId,
              applicationDisplayName: actor.displayName,
              userPrincipalName: null,
              servicePrincipalName: actor.displayName,
              ipAddress: null,
              userId: null,
            },
      activity,
      activityDateTime: new Date().toISOString(),
      activityType: activity,
      activityOperationType: change.operation,
      activityResult: 'Success',
      correlationId: this.rng.guid(),
      resources: [
        {
          displayName: change.displayName,
          modifiedProperties: [],
          type: resourceType,
          auditResourceType: resourceType,
          resourceId: change.id,
        },
      ],
      category,
    };
  }

  private directoryAudit(change: AuditedChange, actor: Actor, noun: string): GraphJson {
    const verb = DIRECTORY_VERB[change.operation];
    return {
      id: `Policy_${this.rng.guid()}`,
      category: 'Policy',
      correlationId: this.rng.guid(),
      result: 'success',
      resultReason: '',
      activityDisplayName: `${verb} ${noun}`,
      activityDateTime: new Date().toISOString(),
      loggedByService: 'Conditional Access',
      operationType: verb,
      initiatedBy:
        actor.kind === 'user'
          ? {
              user: {
                id: actor.id,
                displayName: actor.displayName,
                userPrincipalName: actor.userPrincipalName,
                ipAddress: null,
              },
              app: null,
            }
          : {
              user: null,
              app: {
                appId: actor.appId,
                displayName: actor.displayName,
                servicePrincipalId: actor.servicePrincipalId,
                servicePrincipalName: actor.displayName,
              },
            },
      targetResources: [
        {
          id: change.id,
          displayName: change.displayName,
          type: 'Policy',
          userPrincipalName: null,
          groupType: null,
          modifiedProperties: [],
        },
      ],
      additionalDetails: [],
    };
  }

  /** The actor a request names (a user of the directory pool, if one has that UPN), or a generated admin. */
  private actor(given: string | undefined): Actor {
    const pools = this.pools();
    const user = (k: number) => pools.node('users', k).object;
    const byUser = (object: GraphJson): Actor => ({
      kind: 'user',
      userPrincipalName: String(object.userPrincipalName),
      id: String(object.id),
      displayName: String(object.displayName),
    });
    if (given === undefined) return byUser(user(this.rng.int(0, GENERATED_ADMINS - 1)));
    if (given.includes('@')) {
      for (let k = 0; k < pools.count('users'); k++) {
        if (String(user(k).userPrincipalName).toLowerCase() === given.toLowerCase()) return byUser(user(k));
      }
      return {
        kind: 'user',
        userPrincipalName: given,
        id: new Rng(`actor|${given}`).guid(),
        displayName: given,
      };
    }
    for (let k = 0; k < pools.count('servicePrincipals'); k++) {
      const app = pools.node('servicePrincipals', k).object;
      if (String(app.appId).toLowerCase() === given.toLowerCase())
        return {
          kind: 'app',
          appId: given,
          displayName: String(app.displayName),
          servicePrincipalId: String(app.id),
        };
    }
    return { kind: 'app', appId: given, displayName: 'Automation', servicePrincipalId: null };
  }
}
