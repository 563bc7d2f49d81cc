// The pure parts of the emulator's writes: Graph's sliding write window and the body checks.
import type { GraphCall } from '../../src/emulator/graphApi';
import { ENTITY_SETS } from '../../src/emulator/graphSurface';
import { TenantPools } from '../../src/emulator/pools';
import { configurationPolicyTemplateIdAt } from '../../src/emulator/pools/configurationPolicyTemplates';
import { TenantStore } from '../../src/emulator/tenantStore';
import type { GraphJson } from '../../src/emulator/types';
import { itemRoute, serveItemRoute } from '../../src/emulator/writes/itemRoutes';
import { writableSet } from '../../src/emulator/writes/surface';
import { SlidingWindow } from '../../src/emulator/slidingWindow';
import { GRAPH_WRITE_LIMITS } from '../../src/emulator/writes/throttle';
import {
  type ReferenceCheck,
  validateCreate,
  validatePatch,
  type WriteContext,
} from '../../src/emulator/writes/validate';

describe('SlidingWindow', () => {
  it('takes 100 Intune writes in 20 s and names the seconds until the oldest frees a slot', () => {
    const window = new SlidingWindow();
    for (let i = 0; i < 100; i++)
      expect(window.take(1_000 + i * 10, GRAPH_WRITE_LIMITS.intune)).toEqual({ ok: true });
    expect(window.take(6_000, GRAPH_WRITE_LIMITS.intune)).toEqual({ ok: false, retryAfterSeconds: 15 });
    // A refused write takes no slot: the first frees at 21 s.
    expect(window.take(21_000, GRAPH_WRITE_LIMITS.intune)).toEqual({ ok: true });
    expect(window.take(21_001, GRAPH_WRITE_LIMITS.intune).ok).toBe(false);
  });

  it('allows one Conditional Access write per second and gives no Retry-After', () => {
    const window = new SlidingWindow();
    expect(window.take(0, GRAPH_WRITE_LIMITS.conditionalAccess)).toEqual({ ok: true });
    expect(window.take(999, GRAPH_WRITE_LIMITS.conditionalAccess)).toEqual({ ok: false });
    expect(window.take(1_000, GRAPH_WRITE_LIMITS.conditionalAccess)).toEqual({ ok: true });
  });
});

const everything: ReferenceCheck = {
  scopeTag: () => true,
  notificationTemplate: () => true,
  group: () => true,
  assignmentFilter: () => true,
  policyTemplateState: () => 'active',
};

function contextOf(path: string, refs = everything): WriteContext {
  const set = ENTITY_SETS.find((s) => s.path === path);
  const rules = writableSet(path);
  if (set === undefined || rules === undefined) throw new Error(path);
  return { rules, graphType: set.graphType, navigations: set.navigations, refs };
}

describe('validateCreate / validatePatch', () => {
  const filters = contextOf('/deviceManagement/assignmentFilters');
  const compliance = contextOf('/deviceManagement/deviceCompliancePolicies');

  it('refuses server-owned properties on create and accepts a clean body', () => {
    expect(validateCreate({ displayName: 'f', platform: 'iOS', payloads: [] }, filters)?.status).toBe(400);
    expect(
      validateCreate({ displayName: 'f', platform: 'iOS', 'x@odata.context': 'ignored' }, filters),
    ).toBeUndefined();
  });

  it('keeps an assignment filter on its platform, but lets a PATCH repeat it', () => {
    const stored = { id: 'f1', displayName: 'f', platform: 'iOS' };
    expect(validatePatch({ platform: 'macOS' }, filters, stored)?.status).toBe(400);
    expect(validatePatch({ platform: 'iOS', displayName: 'g' }, filters, stored)).toBeUndefined();
  });

  it('counts block actions across every rule of a compliance create', () => {
    const rule = (...actions: string[]) => ({
      ruleName: 'PasswordRequired',
      scheduledActionConfigurations: actions.map((actionType) => ({ actionType })),
    });
    const body = (rules: unknown[]) => ({
      '@odata.type': '#microsoft.graph.iosCompliancePolicy',
      scheduledActionsForRule: rules,
    });
    expect(validateCreate(body([rule('block'), rule('block')]), compliance)?.status).toBe(400);
    expect(validateCreate(body([rule('notification', 'block')]), compliance)).toBeUndefined();
  });

  it('refuses a reference the tenant does not have', () => {
    const none = contextOf('/deviceManagement/deviceCompliancePolicies', {
      ...everything,
      notificationTemplate: () => false,
    });
    const body = {
      '@odata.type': '#microsoft.graph.iosCompliancePolicy',
      scheduledActionsForRule: [
        { scheduledActionConfigurations: [{ actionType: 'block', notificationTemplateId: 'nope' }] },
      ],
    };
    expect(validateCreate(body, none)?.body).toMatchObject({ error: { code: 'BadRequest' } });
  });
});

// Review (issue 17): settings catalog policies made from a template version that is no longer
// usable are refused on create and on PUT, with the message CIPP #4240 quotes.
describe('settings catalog template references', () => {
  const states: Record<string, string> = {
    'tpl-active_1': 'active',
    'tpl-old_1': 'superseded',
    'tpl-retired_1': 'retired',
    'tpl-deprecated_1': 'deprecated',
  };
  const catalog = contextOf('/deviceManagement/configurationPolicies', {
    ...everything,
    policyTemplateState: (id) => states[id],
  });
  const body = (templateId: string) => ({
    name: 'p',
    platforms: 'windows10',
    technologies: 'mdm',
    templateReference: { templateId },
    settings: [],
  });

  it('accepts no template, an active and a superseded one', () => {
    for (const id of ['', 'tpl-active_1', 'tpl-old_1'])
      expect(validateCreate(body(id), catalog)).toBeUndefined();
  });

  it('refuses a create from a retired, deprecated or unknown template, naming it', () => {
    for (const id of ['tpl-retired_1', 'tpl-deprecated_1', 'tpl-gone_1'])
      expect(validateCreate(body(id), catalog)).toMatchObject({
        status: 400,
        body: { error: { message: `Invalid Reference id found in Policy created from Template ${id}` } },
      });
  });

  it('refuses a PUT of a policy whose template was retired', () => {
    const stored = { id: 'p1', ...body('tpl-retired_1') };
    expect(validateCreate({ ...body('tpl-retired_1'), id: 'p1' }, catalog, stored)?.status).toBe(400);
  });

  it('serves the lifecycle a tenant overrides and leaves other tenants as the catalog is', () => {
    const one = new TenantPools('one');
    const other = new TenantPools('other');
    const id = configurationPolicyTemplateIdAt(0);
    expect(one.find(id, ['configurationPolicyTemplates'])?.object.lifecycleState).toBe('active');
    expect(one.override(id, ['configurationPolicyTemplates'], { lifecycleState: 'retired' })).toBe(true);
    expect(one.find(id, ['configurationPolicyTemplates'])?.object.lifecycleState).toBe('retired');
    expect(other.find(id, ['configurationPolicyTemplates'])?.object.lifecycleState).toBe('active');
    expect(one.override('no-such_1', ['configurationPolicyTemplates'], {})).toBe(false);
  });
});

// Review (issue 17): a type cast below an item must name the set's type (or a type derived from
// it), as OData requires; Graph refuses a cast to an unrelated type.
describe('item routes behind a type cast', () => {
  const call = (path: string): GraphCall => ({
    method: 'POST',
    url: new URL(`https://graph.example${path}`),
    version: 'beta',
    segments: path.split('/').filter(Boolean).slice(1),
    body: '{"assignments":[]}',
  });
  it("routes a cast to the set's own type and refuses one to an unrelated type", () => {
    expect(
      itemRoute(
        call(
          '/beta/deviceAppManagement/mobileAppConfigurations/c1/microsoft.graph.managedDeviceMobileAppConfiguration/assign',
        ),
      )?.action?.kind,
    ).toBe('assign');
    expect(
      itemRoute(
        call(
          '/beta/deviceAppManagement/targetedManagedAppConfigurations/t1/microsoft.graph.managedDeviceMobileAppConfiguration/assign',
        ),
      ),
    ).toBeUndefined();
    expect(
      itemRoute(call('/beta/deviceAppManagement/targetedManagedAppConfigurations/t1/assign'))?.action?.kind,
    ).toBe('assign');
  });

  // bench:restore: hotpatch `/assign` and Apple user-initiated enrollment `setPriority` (routed
  // since a12278b) were refused as no route; their group assignments are one POST each.
  it('routes hotpatch /assign and the Apple user-initiated enrollment profile writes', () => {
    const hotpatch = itemRoute(call('/beta/deviceManagement/windowsQualityUpdatePolicies/h1/assign'));
    expect(hotpatch?.action).toMatchObject({ kind: 'assign', key: 'assignments', status: 204 });
    const apple = '/beta/deviceManagement/appleUserInitiatedEnrollmentProfiles/a1';
    expect(itemRoute(call(`${apple}/setPriority`))?.action).toMatchObject({ kind: 'setPriority' });
    expect(itemRoute(call(`${apple}/assignments`))?.subResource).toMatchObject({ name: 'assignments' });
  });

  // bench:restore: WIP policies without enrollment were refused `/assign` as no route.
  it('routes /assign of both Windows Information Protection sets (the action is bound to their base type)', () => {
    for (const set of ['windowsInformationProtectionPolicies', 'mdmWindowsInformationProtectionPolicies'])
      expect(itemRoute(call(`/beta/deviceAppManagement/${set}/w1/assign`))?.action).toMatchObject({
        kind: 'assign',
        key: 'assignments',
        status: 204,
      });
  });
});

// bench:restore (issue 17): Graph takes a Windows device restrictions profile's privacy rules
// through `POST {id}/windowsPrivacyAccessControls` (204), which the emulator refused as no route.
describe('windowsPrivacyAccessControls', () => {
  const CONFIG = '/deviceManagement/deviceConfigurations';
  const tenant = new TenantStore().add({
    azureTenantId: 'a0000000-0000-4000-8000-000000000017',
    clientId: 'c0000000-0000-4000-8000-000000000017',
    clientSecret: 'secret',
    displayName: 'Privacy controls',
    grantedPermissions: ['DeviceManagementConfiguration.ReadWrite.All'],
    policies: {
      deviceConfiguration: [
        { object: { id: 'win', '@odata.type': '#microsoft.graph.windows10GeneralConfiguration' } },
        { object: { id: 'ios', '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration' } },
      ],
    },
  });
  const post = (id: string, body: unknown) => {
    const path = `/beta${CONFIG}/${id}/windowsPrivacyAccessControls`;
    const call: GraphCall = {
      method: 'POST',
      url: new URL(`https://graph.example${path}`),
      version: 'beta',
      segments: path.split('/').filter(Boolean).slice(1),
      body: JSON.stringify(body),
    };
    const route = itemRoute(call);
    return route === undefined ? undefined : serveItemRoute(call, route, tenant);
  };
  const control = {
    '@odata.type': '#microsoft.graph.windowsPrivacyDataAccessControlItem',
    accessLevel: 'forceDeny',
    dataCategory: 'camera',
    appPackageFamilyName: 'Contoso.App_1',
    appDisplayName: null,
  };
  const stored = (id: string) => {
    const record = tenant.objects.find('deviceConfiguration', id);
    if (record === undefined) throw new Error(id);
    const lists = tenant.objects.node('deviceConfiguration', record).lists ?? {};
    const list = lists.privacyAccessControls;
    return (typeof list === 'function' ? list() : (list ?? [])).map((node) => node.object as GraphJson);
  };

  it("replaces a Windows profile's privacy rules with the posted list (204)", () => {
    expect(post('win', { windowsPrivacyAccessControls: [control, control] })?.status).toBe(204);
    expect(
      post('win', { windowsPrivacyAccessControls: [{ ...control, dataCategory: 'location' }] })?.status,
    ).toBe(204);
    const [only, ...rest] = stored('win');
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ ...control, dataCategory: 'location' });
    expect(typeof only?.id).toBe('string');
  });

  it("refuses values outside Graph's enums and profiles that have no privacy rules", () => {
    const before = stored('win');
    expect(
      post('win', { windowsPrivacyAccessControls: [{ ...control, dataCategory: 'cameras' }] })?.status,
    ).toBe(400);
    expect(post('win', { windowsPrivacyAccessControls: [{ ...control, unknown: 1 }] })?.status).toBe(400);
    expect(post('win', { controls: [control] })?.status).toBe(400);
    expect(stored('win')).toEqual(before);
    expect(post('ios', { windowsPrivacyAccessControls: [control] })?.status).toBe(400);
  });
});
