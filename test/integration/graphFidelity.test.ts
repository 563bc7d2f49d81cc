// The registry reads what real tenants hold, the way Graph serves it: every check here runs a
// backup of a generated tenant through Temporal and the worker against the emulator, which
// routes by its own model of Graph (src/emulator/graphSurface.ts) and refuses what Graph refuses.
import { randomUUID } from 'node:crypto';
import { POLICY_TYPE_KEYS, POLICY_TYPES } from '../../src/graph';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

type Json = Record<string, unknown>;

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({ emulatorPageSize: 20 }, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

async function payloads(tenantId: string, policyType: string): Promise<Json[]> {
  const rows = await stack.db.$queryRaw<{ content: Json }[]>`
    SELECT b.content FROM policies p JOIN backup_payloads b ON b.hash = p.payload_hash
    WHERE p.tenant_id = ${tenantId}::uuid AND p.policy_type = ${policyType} AND p.deleted_at IS NULL`;
  return rows.map((row) => row.content);
}

async function hashes(tenantId: string): Promise<Map<string, string>> {
  const rows = await stack.db.policy.findMany({ where: { tenantId, deletedAt: null } });
  return new Map(rows.map((row) => [`${row.policyType}/${row.graphId}`, row.payloadHash]));
}

const ofType = (items: Json[], type: string) => items.filter((item) => item['@odata.type'] === type);

describe('a generated tenant, backed up twice without a change', () => {
  let tenantId: string;
  let first: Awaited<ReturnType<typeof runToCompletion>>;
  let second: Awaited<ReturnType<typeof runToCompletion>>;

  beforeAll(async () => {
    const { tenant } = await admin.createTenant(500);
    tenantId = tenant.id;
    const schedule = await createSchedule(stack, tenant.id, { policyTypes: [...POLICY_TYPE_KEYS] });
    first = await runToCompletion(stack, tenant.id, schedule.id, 240_000);
    second = await runToCompletion(stack, tenant.id, schedule.id, 240_000);
  }, 500_000);

  it('captures every type ok both times, and the rerun reports no change', () => {
    for (const run of [first, second]) {
      expect(run.status).toBe('succeeded');
      for (const key of POLICY_TYPE_KEYS)
        expect({ key, outcome: run.summary.types[key]?.outcome }).toEqual({ key, outcome: 'ok' });
    }
    for (const key of POLICY_TYPE_KEYS) {
      expect({ key, ...second.summary.types[key] }).toMatchObject({ key, added: 0, modified: 0, removed: 0 });
    }
    expect(second.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });
  });

  it('stores macOS shell scripts with their content and assignments', async () => {
    const scripts = await payloads(tenantId, 'macosShellScripts');
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(script.scriptContent).toEqual(expect.any(String));
      expect(script.assignments).toEqual(expect.any(Array));
    }
  });

  it('stores app protection from the type-specific collections, Windows MAM and WIP included, without app configurations', async () => {
    const policies = await payloads(tenantId, 'appProtection');
    const windows = ofType(policies, '#microsoft.graph.windowsManagedAppProtection');
    expect(windows.length).toBeGreaterThan(0);
    for (const policy of [...windows, ...ofType(policies, '#microsoft.graph.iosManagedAppProtection')]) {
      expect(policy.apps).toEqual(expect.any(Array));
      expect(policy.assignments).toEqual(expect.any(Array));
    }
    const wips = [
      ...ofType(policies, '#microsoft.graph.mdmWindowsInformationProtectionPolicy'),
      ...ofType(policies, '#microsoft.graph.windowsInformationProtectionPolicy'),
    ];
    for (const wip of wips) {
      expect(wip.assignments).toEqual(expect.any(Array));
      expect(wip.protectedAppLockerFiles).toEqual(expect.any(Array));
    }
    expect(ofType(policies, '#microsoft.graph.targetedManagedAppConfiguration')).toEqual([]);
    for (const policy of policies) expect(policy).not.toHaveProperty('deployedAppCount');
  });

  it('stores MAM app configurations with their targeted apps and settings', async () => {
    const mam = ofType(
      await payloads(tenantId, 'appConfiguration'),
      '#microsoft.graph.targetedManagedAppConfiguration',
    );
    expect(mam.length).toBeGreaterThan(0);
    for (const config of mam) {
      expect(config.apps).toEqual(expect.any(Array));
      expect(config.settings).toEqual(expect.any(Array));
    }
    expect(mam.some((config) => (config.apps as Json[]).length > 0)).toBe(true);
  });

  it('stores Intune role assignments with their members and scope tags', async () => {
    const assignments = (await payloads(tenantId, 'roleDefinitions')).flatMap(
      (role) => role.roleAssignments as Json[],
    );
    expect(assignments.length).toBeGreaterThan(0);
    for (const assignment of assignments) {
      expect(assignment.members).toEqual(expect.any(Array));
      expect(assignment.roleScopeTagIds).toEqual(expect.any(Array));
    }
  });

  it('stores Conditional Access with the conditions only beta serves', async () => {
    const policies = await payloads(tenantId, 'conditionalAccessPolicies');
    const tokenProtection = policies.filter(
      (policy) =>
        ((policy.sessionControls as Json | null)?.secureSignInSession as Json | null)?.isEnabled === true,
    );
    expect(tokenProtection.length).toBeGreaterThan(0);
    expect(policies.every((policy) => 'agentIdRiskLevels' in (policy.conditions as Json))).toBe(true);
  });

  it('stores driver approvals, and no device counts or sync state', async () => {
    const profiles = await payloads(tenantId, 'driverUpdateProfiles');
    expect(profiles.length).toBeGreaterThan(0);
    for (const profile of profiles) {
      expect(profile).not.toHaveProperty('deviceReporting');
      expect(profile).not.toHaveProperty('inventorySyncStatus');
      const drivers = profile.driverInventories as Json[];
      expect(drivers.length).toBeGreaterThan(0);
      for (const driver of drivers) {
        expect(driver.approvalStatus).toEqual(expect.any(String));
        expect(driver).not.toHaveProperty('applicableDeviceCount');
      }
    }
  });

  it('stores compliance and custom attribute scripts with their content', async () => {
    const detection = await payloads(tenantId, 'complianceScripts');
    expect(detection.length).toBeGreaterThan(0);
    for (const script of detection) expect(script.detectionScriptContent).toEqual(expect.any(String));
    const attributes = await payloads(tenantId, 'macosCustomAttributeScripts');
    expect(attributes.length).toBeGreaterThan(0);
    for (const script of attributes) {
      expect(script.scriptContent).toEqual(expect.any(String));
      expect(script.assignments).toEqual(expect.any(Array));
    }
  });

  it('stores settings-based compliance with every setting and its non-compliance actions', async () => {
    const policies = await payloads(tenantId, 'settingsCompliance');
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      expect((policy.settings as Json[]).length).toBe(policy.settingCount);
      const actions = (policy.scheduledActionsForRule as Json[]).flatMap(
        (rule) => rule.scheduledActionConfigurations as Json[],
      );
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action.actionType).toEqual(expect.any(String));
      expect(policy.assignments).toEqual(expect.any(Array));
    }
  });

  it('stores ADMX files with their language files, and policy sets with their items, without states', async () => {
    const files = await payloads(tenantId, 'uploadedAdmxFiles');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file.targetNamespace).toEqual(expect.any(String));
      expect((file.groupPolicyUploadedLanguageFiles as Json[]).length).toBeGreaterThan(0);
      expect(file).not.toHaveProperty('status');
    }
    const sets = await payloads(tenantId, 'policySets');
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets) {
      expect(set.assignments).toEqual(expect.any(Array));
      const items = set.items as Json[];
      expect(items.length).toBeGreaterThan(0);
      for (const item of [set, ...items]) expect(item).not.toHaveProperty('status');
      for (const item of items) expect(item.payloadId).toEqual(expect.any(String));
    }
  });

  it('stores ADE tokens with their profiles, and Android profiles without enrollment secrets', async () => {
    const tokens = await payloads(tenantId, 'appleEnrollmentProfiles');
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect((token.enrollmentProfiles as Json[]).length).toBeGreaterThan(0);
      expect(token).not.toHaveProperty('syncedDeviceCount');
      expect(token).not.toHaveProperty('lastSuccessfulSyncDateTime');
    }
    const rows = await stack.db.policy.findMany({
      where: { tenantId, policyType: 'appleEnrollmentProfiles', deletedAt: null },
    });
    expect(rows.map((row) => row.displayName)).toEqual(
      tokens.map(() => expect.stringContaining('ADE token')),
    );
    for (const profile of await payloads(tenantId, 'appleUserEnrollmentProfiles'))
      expect(profile.assignments).toEqual(expect.any(Array));

    const android = await payloads(tenantId, 'androidEnrollmentProfiles');
    expect(android.length).toBeGreaterThan(0);
    for (const profile of android) {
      expect(profile.enrollmentMode).toEqual(expect.any(String));
      for (const secret of ['tokenValue', 'qrCodeContent', 'qrCodeImage', 'wifiPassword'])
        expect(profile).not.toHaveProperty(secret);
      expect(profile).not.toHaveProperty('enrolledDeviceCount');
    }
  });

  it('keeps only the ids of catalog metadata and marks no Microsoft script content as change', async () => {
    const templates = await payloads(tenantId, 'administrativeTemplates');
    const values = templates.flatMap((template) => template.definitionValues as Json[]);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values)
      expect(Object.keys(value.definition as Json).sort()).toEqual(['displayName', 'id']);
    const remediations = await payloads(tenantId, 'remediations');
    const global = remediations.filter((script) => script.isGlobalScript === true);
    expect(global.length).toBeGreaterThan(0);
    for (const script of global) {
      expect(script).not.toHaveProperty('highestAvailableVersion');
      expect(script).not.toHaveProperty('detectionScriptContent');
      expect(script.assignments).toEqual(expect.any(Array));
    }
    for (const filter of await payloads(tenantId, 'assignmentFilters'))
      expect(filter).not.toHaveProperty('payloads');
  });
});

// Links from device configurations to certificate profiles (not in Graph's list payload).
const LINKS = [
  'rootCertificate',
  'identityCertificate',
  'identityCertificateForClientAuthentication',
  'rootCertificateForServerValidation',
  'rootCertificatesForServerValidation',
  'rootCertificateForClientValidation',
];
const CHAINED = [
  '#microsoft.graph.windows81SCEPCertificateProfile',
  '#microsoft.graph.iosScepCertificateProfile',
  '#microsoft.graph.androidWorkProfilePkcsCertificateProfile',
];

test('device configurations keep certificate links as references and Windows privacy access controls whole', async () => {
  // A fixed seed: 205 profiles, among them every certificate kind, unlinked SCEP/PKCS profiles too.
  const { emulated, tenant } = await admin.createTenant(50, '5eed0000-0000-4000-8000-000000000001');
  await admin.mutate(emulated.azureTenantId, { add: 200, types: ['deviceConfiguration'] });
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: ['deviceConfiguration'] });
  const first = await runToCompletion(stack, tenant.id, schedule.id);
  expect(first.summary.types.deviceConfiguration?.outcome).toBe('ok');

  const profiles = await payloads(tenant.id, 'deviceConfiguration');
  const byId = new Map(profiles.map((profile) => [profile.id, profile]));
  // Every SCEP/PKCS profile says which trusted root it chains to, or that it chains to none.
  const chained = profiles.filter((profile) => CHAINED.includes(String(profile['@odata.type'])));
  expect(chained.length).toBeGreaterThan(3);
  for (const profile of chained) expect(profile).toHaveProperty('rootCertificate');
  // A reference names a profile of the same backup by id, name and type: a link, not a copy.
  const references = profiles.flatMap((profile) =>
    LINKS.flatMap((link) => [profile[link] ?? []].flat() as Json[]),
  );
  expect(references.length).toBeGreaterThan(10);
  for (const reference of references) {
    const target = byId.get(reference.id);
    expect(reference).toEqual({
      id: target?.id,
      displayName: target?.displayName,
      '@odata.type': target?.['@odata.type'],
    });
  }
  expect(chained.some((profile) => profile.rootCertificate === null)).toBe(true);
  const wifi = ofType(profiles, '#microsoft.graph.windowsWifiEnterpriseEAPConfiguration');
  expect(wifi.length).toBeGreaterThan(0);
  for (const profile of wifi) {
    expect(profile.rootCertificatesForServerValidation).toEqual(expect.any(Array));
    // Not linked: Graph answers 404, stored as no reference.
    expect(profile.rootCertificateForClientValidation).toBeNull();
  }
  const general = ofType(profiles, '#microsoft.graph.windows10GeneralConfiguration');
  const controls = general.flatMap((profile) => profile.privacyAccessControls as Json[]);
  expect(controls.length).toBeGreaterThan(0);
  for (const control of controls)
    expect(control).toMatchObject({ dataCategory: expect.any(String), accessLevel: expect.any(String) });

  const second = await runToCompletion(stack, tenant.id, schedule.id);
  expect(second.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });

  // The right cast serves the linked profile; a cast that does not fit the item is Graph's 400.
  const base = '/beta/deviceManagement/deviceConfigurations';
  const linked = chained.find((profile) => profile.rootCertificate !== null) as Json;
  const cast = `${String(linked['@odata.type']).slice(1)}/rootCertificate`;
  const served = JSON.parse(await admin.rawGraphText(emulated, `${base}/${linked.id}/${cast}`)) as Json;
  expect(served.id).toBe((linked.rootCertificate as Json).id);
  await expect(admin.rawGraphText(emulated, `${base}/${general[0]?.id}/${cast}`)).rejects.toThrow(
    /answered 400/,
  );

  // Only a 404 means "not linked": any other answer fails the type rather than store no link.
  // The emulator models the casts of the types it generates; any other cast is Graph's 400.
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'deviceConfiguration',
    object: { id: randomUUID(), '@odata.type': '#microsoft.graph.macOSScepCertificateProfile' },
  });
  const refused = await runToCompletion(stack, tenant.id, schedule.id);
  expect(refused.summary.types.deviceConfiguration).toMatchObject({
    outcome: 'failed',
    reason: expect.stringContaining('macOSScepCertificateProfile/rootCertificate failed with 400'),
  });
});

test('inline expansions that Graph pages are followed: nothing is lost', async () => {
  // Large enough that some shell script has several assignments (about 5 in 8 do; generated
  // tenants differ per run).
  const { emulated, tenant } = await admin.createTenant(500);
  const types = ['macosShellScripts', 'compliance'] as const;
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: [...types] });
  expect((await runToCompletion(stack, tenant.id, schedule.id)).status).toBe('succeeded');
  const whole = await hashes(tenant.id);

  await admin.setFaults(emulated.azureTenantId, { inlineExpansionPageSize: 1 });
  const paged = await runToCompletion(stack, tenant.id, schedule.id);
  expect(paged.status).toBe('succeeded');
  expect(paged.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });
  expect(await hashes(tenant.id)).toEqual(whole);
  // The switch did page something: a script with several assignments.
  const scripts = await payloads(tenant.id, 'macosShellScripts');
  expect(scripts.some((script) => (script.assignments as Json[]).length > 1)).toBe(true);
});

test('a tenant granted exactly the permissions docs/connecting-a-tenant.md lists backs up every type; a missing one is named', async () => {
  const { emulated, tenant } = await admin.createTenant(200);
  const permissions = [...new Set(POLICY_TYPE_KEYS.map((key) => POLICY_TYPES[key].permission))];
  await admin.setGrants(emulated.azureTenantId, permissions);
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: [...POLICY_TYPE_KEYS] });
  const run = await runToCompletion(stack, tenant.id, schedule.id, 180_000);
  expect(run.status).toBe('succeeded');

  // Without the Configuration scope (only the ServiceConfig one of the older docs), the
  // notification templates' 403 names the scope to grant.
  await admin.setGrants(
    emulated.azureTenantId,
    permissions.filter((p) => p !== 'DeviceManagementConfiguration.Read.All'),
  );
  const partial = await runToCompletion(stack, tenant.id, schedule.id, 180_000);
  expect(partial.summary.types.notificationTemplates).toMatchObject({
    outcome: 'permission_missing',
    requiredPermission: 'DeviceManagementConfiguration.Read.All',
  });
  expect(partial.summary.types.autopilotProfiles?.outcome).toBe('ok');
});

test('the demo tenant backs up every type ok, and an unchanged rerun reports no change', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id, { policyTypes: [...POLICY_TYPE_KEYS] });
  const first = await runToCompletion(stack, stack.tenant.id, schedule.id);
  const second = await runToCompletion(stack, stack.tenant.id, schedule.id);
  for (const run of [first, second]) {
    expect(run.status).toBe('succeeded');
    for (const key of POLICY_TYPE_KEYS)
      expect({ key, outcome: run.summary.types[key]?.outcome }).toEqual({ key, outcome: 'ok' });
  }
  expect(first.summary.totals.itemCount).toBeGreaterThan(0);
  expect(second.summary.changes).toEqual({ added: 0, removed: 0, modified: 0, renamed: 0 });
});
