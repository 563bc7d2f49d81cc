import { DIRECTORY_SIZE, directoryId } from '../pools/directory';
import { Rng } from '../prng';
import type { EmulatorNode, GraphJson } from '../types';
import type { GenerateContext } from './generator';

// Building blocks shared by the per-type generators: names, scope tags and assignment lists.

export const leaf = (object: GraphJson): EmulatorNode => ({ object });

const DEPARTMENTS = [
  'Finance',
  'HR',
  'Sales',
  'Engineering',
  'Marketing',
  'Legal',
  'Operations',
  'Support',
  'Executives',
  'Warehouse',
  'Retail stores',
  'Contractors',
  'Pilot',
  'IT',
  'Research',
  'Front line',
];
const RINGS = ['Pilot', 'Ring 0', 'Ring 1', 'Broad', 'VIP', 'Kiosk', 'Shared devices', 'BYOD', 'Corporate'];

/** "WIN - Device restrictions - Finance (Broad) 017": unique per index, readable in a diff. */
export function policyName(rng: Rng, prefix: string, kind: string, index: number): string {
  return `${prefix} - ${kind} - ${rng.pick(DEPARTMENTS)} (${rng.pick(RINGS)}) ${String(index).padStart(3, '0')}`;
}

export function description(rng: Rng, text: string): string | null {
  if (rng.bool(0.25)) return null;
  return rng.bool(0.3)
    ? ''
    : `${text} Owner: ${rng.pick(DEPARTMENTS)} IT. Change ticket CHG${rng.int(10000, 99999)}.`;
}

/** What most Intune objects have: id, name, description and the two timestamps. */
export function entityBasics(ctx: GenerateContext, prefix: string, kind: string, text: string): GraphJson {
  return {
    id: ctx.id,
    displayName: policyName(ctx.rng, prefix, kind, ctx.index),
    description: description(ctx.rng, text) ?? '',
    createdDateTime: ctx.createdDateTime,
    lastModifiedDateTime: ctx.lastModifiedDateTime,
  };
}

/** The built-in Default tag ("0", never generated), sometimes with one of the tenant's scope tags. */
export function scopeTagIds(rng: Rng, tenant: TenantRefs): string[] {
  if (rng.bool(0.8)) return ['0'];
  const tag = tenant.ref('scopeTags', rng.int(0, 999));
  return tag === undefined ? ['0'] : ['0', tag];
}

/** One of the tenant's directory groups (../directory.ts), so every assignment target resolves. */
export function groupId(tenantLabel: string, rng: Rng): string {
  return directoryId(tenantLabel, 'groups', rng.int(0, 79));
}

/** No filter mostly, else one of the tenant's assignment filters (none when it has none). */
function filterFields(rng: Rng, tenant: TenantRefs): GraphJson {
  const filter = rng.bool(0.8) ? undefined : tenant.ref('assignmentFilters', rng.int(0, 999));
  if (filter === undefined) {
    return {
      deviceAndAppManagementAssignmentFilterId: null,
      deviceAndAppManagementAssignmentFilterType: 'none',
    };
  }
  return {
    deviceAndAppManagementAssignmentFilterId: filter,
    deviceAndAppManagementAssignmentFilterType: rng.pick(['include', 'exclude']),
  };
}

/** What shared references need of the object's tenant (GenerateContext). */
export type TenantRefs = Pick<GenerateContext, 'tenantLabel' | 'ref'>;

export interface AssignmentOptions {
  tenant: TenantRefs;
  /** Extra properties of each assignment (e.g. `intent` for apps, `source` for configurations). */
  extra?: (rng: Rng) => GraphJson;
  /** Policy types whose assignments have no `source`/`sourceId`. */
  bare?: boolean;
}

/**
 * 0-6 assignments usually; about 3% of objects have 30-80 (large MSP tenants assign per group),
 * so assignment paging is exercised too.
 */
export function assignments(rng: Rng, policyId: string, opts: AssignmentOptions): EmulatorNode[] {
  const count = rng.bool(0.03) ? rng.int(30, 80) : rng.pick([0, 1, 1, 2, 2, 3, 4, 6]);
  const seen = new Set<string>();
  const result: EmulatorNode[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    let target: GraphJson;
    let targetKey: string;
    if (i === 0 && roll < 0.15) {
      target = {
        '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget',
        ...filterFields(rng, opts.tenant),
      };
      targetKey = 'adadadad-808e-44e2-905a-0b7873a8a531';
    } else if (i === 0 && roll < 0.3) {
      target = {
        '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget',
        ...filterFields(rng, opts.tenant),
      };
      targetKey = 'acacacac-9df4-4c7d-9d50-4ef0226f57a9';
    } else {
      // Per-group assignments of a large tenant: consecutive distinct groups of the directory.
      const start = new Rng(`${opts.tenant.tenantLabel}:biggroup:${policyId}`).int(
        0,
        DIRECTORY_SIZE.groups - 1,
      );
      const group =
        count > 20
          ? directoryId(opts.tenant.tenantLabel, 'groups', start + i)
          : groupId(opts.tenant.tenantLabel, rng);
      targetKey = group;
      target = {
        '@odata.type': rng.bool(0.15)
          ? '#microsoft.graph.exclusionGroupAssignmentTarget'
          : '#microsoft.graph.groupAssignmentTarget',
        ...filterFields(rng, opts.tenant),
        groupId: group,
      };
    }
    if (seen.has(targetKey)) continue;
    seen.add(targetKey);
    const assignment: GraphJson = { id: `${policyId}_${targetKey}` };
    if (!opts.bare) {
      assignment.source = 'direct';
      assignment.sourceId = policyId;
    }
    Object.assign(assignment, opts.extra?.(rng) ?? {}, { target });
    result.push(leaf(assignment));
  }
  return result;
}

/** A base64 text of about `bytes` bytes, as Graph returns file and script content. */
export function base64Of(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
