// Fixtures of the restore tests: an emulator tenant whose app may write, its backup, planted objects
// (a settings catalog policy with one integer setting, CA policy, filter, scope tag), and a
// backed-up object that Graph no longer has (a copy of a backed-up payload under another id).
import { DEFAULT_GRANTS } from '../../src/emulator/graphSurface';
import { canonicalizePolicy, escapeStoredText, type PolicyTypeKey } from '../../src/graph';
import type { EmulatedTenant, EmulatorAdmin } from './emulatorAdmin';
import { createSchedule, runToCompletion } from './runs';
import type { TestStack } from './stack';

/**
 * A generated emulator tenant (`policies` objects, seeded by the fixed `azureTenantId`) and our
 * row for it, whose app holds every read permission and `writeGrants`.
 */
export async function grantedTenant(
  admin: EmulatorAdmin,
  azureTenantId: string,
  writeGrants: readonly string[],
  policies = 50,
): Promise<{ emulated: EmulatedTenant; tenantId: string }> {
  const { emulated, tenant } = await admin.createTenant(policies, azureTenantId);
  await admin.setGrants(azureTenantId, [...DEFAULT_GRANTS, ...writeGrants]);
  return { emulated, tenantId: tenant.id };
}

/** A real backup of the tenant's `policyTypes`, run to success; returns its set's id. */
export async function backedUpSet(
  stack: TestStack,
  tenantId: string,
  policyTypes: readonly PolicyTypeKey[],
): Promise<string> {
  const schedule = await createSchedule(stack, tenantId, { policyTypes });
  const run = await runToCompletion(stack, tenantId, schedule.id);
  expect(run.status).toBe('succeeded');
  return run.backupSetId as string;
}

const NS = '#microsoft.graph.deviceManagementConfiguration';

/** A settings catalog policy's own properties, as planted tests give them. */
export function catalogObject(id: string, name: string, description = 'planted') {
  return {
    id,
    name,
    description,
    platforms: 'windows10',
    technologies: 'mdm',
    roleScopeTagIds: ['0'],
    lastModifiedDateTime: '2026-10-01T10:00:00Z',
    settingCount: 1,
  };
}

export function simpleCatalogPolicy(
  id: string,
  name: string,
  opts: { description?: string; assignments?: Record<string, unknown>[] } = {},
) {
  return {
    type: 'settingsCatalog' as const,
    object: catalogObject(id, name, opts.description ?? 'planted'),
    settings: [
      {
        id: '0',
        settingInstance: {
          '@odata.type': `${NS}SimpleSettingInstance`,
          settingDefinitionId: 'device_vendor_msft_policy_config_defender_avgcpuloadfactor',
          settingInstanceTemplateReference: null,
          simpleSettingValue: {
            '@odata.type': `${NS}IntegerSettingValue`,
            value: 50,
            settingValueTemplateReference: null,
          },
        },
      },
    ],
    assignments: opts.assignments ?? [],
  };
}

/** Adds to a set settings catalog objects Graph does not have: `copyOf`'s payload, renamed and re-identified. */
export async function addBackedUpButGone(
  stack: TestStack,
  backupSetId: string,
  copyOf: string,
  gone: readonly (readonly [graphId: string, name: string])[],
): Promise<void> {
  const source = await stack.db.backupItem.findUniqueOrThrow({
    where: {
      backupSetId_policyType_graphId: { backupSetId, policyType: 'settingsCatalog', graphId: copyOf },
    },
    include: { payload: true },
  });
  for (const [graphId, name] of gone) {
    const content = { ...(source.payload.content as Record<string, unknown>), id: graphId, name };
    const canonical = canonicalizePolicy('settingsCatalog', content);
    await stack.db.backupPayload.upsert({
      where: { hash: canonical.sha256 },
      create: { hash: canonical.sha256, content: JSON.parse(canonical.json), sizeBytes: canonical.sizeBytes },
      update: {},
    });
    await stack.db.backupItem.create({
      data: {
        backupSetId,
        policyType: 'settingsCatalog',
        graphId,
        displayName: escapeStoredText(name),
        payloadHash: canonical.sha256,
      },
    });
  }
}

const PLANTED_AT = '2026-10-01T10:00:00Z';

/** An enabled Conditional Access policy: all users, all apps, MFA (Graph's minimal valid policy). */
export function enabledCaPolicy(id: string, displayName: string) {
  return {
    type: 'conditionalAccessPolicies' as const,
    object: {
      id,
      displayName,
      state: 'enabled',
      templateId: null,
      createdDateTime: PLANTED_AT,
      modifiedDateTime: PLANTED_AT,
      conditions: {
        clientAppTypes: ['all'],
        applications: { includeApplications: ['All'] },
        users: { includeUsers: ['All'] },
      },
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    },
  };
}

/** An assignment filter nothing needs to point at. */
export function windowsFilter(id: string, displayName: string) {
  return {
    type: 'assignmentFilters' as const,
    object: {
      id,
      displayName,
      description: 'planted',
      platform: 'windows10AndLater',
      rule: '(device.osVersion -startsWith "10.0.2")',
      roleScopeTags: ['0'],
      payloads: [],
      assignmentFilterManagementType: 'devices',
      createdDateTime: PLANTED_AT,
      lastModifiedDateTime: PLANTED_AT,
    },
  };
}

/** A custom scope tag (ids are small integers; "0" is the built-in Default). */
export function scopeTag(id: string, displayName: string) {
  return {
    type: 'scopeTags' as const,
    object: { id, displayName, description: 'planted', isBuiltIn: false },
    assignments: [],
  };
}
