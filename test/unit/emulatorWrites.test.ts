// The pure parts of the emulator's writes: Graph's sliding write window and the body checks.
import type { GraphCall } from '../../src/emulator/graphApi';
import { ENTITY_SETS } from '../../src/emulator/graphSurface';
import { TenantPools } from '../../src/emulator/pools';
import { configurationPolicyTemplateIdAt } from '../../src/emulator/pools/configurationPolicyTemplates';
import { itemRoute } from '../../src/emulator/writes/itemRoutes';
import { writableSet } from '../../src/emulator/writes/surface';
import { GRAPH_WRITE_LIMITS, SlidingWindow } from '../../src/emulator/writes/throttle';
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
});
