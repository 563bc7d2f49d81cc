// The write recipes as data, the per-type write shapes Graph insists on, the verification after a
// write and the create marker, over realistic payloads (a generated emulator tenant).
import { POLICY_TYPE_KEYS } from '../../src/graph/policyTypes';
import { hasMarker, markerOf, withMarker } from '../../src/restore/marker';
import {
  isWritableType,
  restoreOrder,
  WRITE_LIMITS,
  WRITE_RECIPES,
  writeFamilyOf,
  writePermissionsOf,
} from '../../src/restore/recipes';
import { REPORT_ONLY, type StepInput, stepsFor } from '../../src/restore/steps';
import type { GraphJson, WriteStep } from '../../src/restore/types';
import { restorableContent, verifyRestored } from '../../src/restore/verify';
import { firstPayload, samplePayloads, stepInputOf } from '../support/restorePayloads';

const MARKER = markerOf('r', 'i');
const base = (policyType: StepInput['policyType'], backup: GraphJson): StepInput =>
  stepInputOf(policyType, backup, MARKER);
const step = (steps: WriteStep[], name: string) => steps.find((s) => s.name === name);
const bodyOf = (s: WriteStep | undefined): GraphJson =>
  s !== undefined && s.kind !== 'ensureEach' ? s.body : {};

describe('recipes as data', () => {
  test('every registry type has a recipe with a permission; refused types say why', () => {
    expect(Object.keys(WRITE_RECIPES).sort()).toEqual([...POLICY_TYPE_KEYS].sort());
    for (const type of POLICY_TYPE_KEYS) {
      expect(writePermissionsOf(type).length).toBeGreaterThan(0);
      expect(WRITE_LIMITS[writeFamilyOf(type)]).toBeDefined();
      if (!isWritableType(type)) expect(WRITE_RECIPES[type].refused?.length).toBeGreaterThan(20);
    }
    expect(POLICY_TYPE_KEYS.filter((type) => !isWritableType(type)).sort()).toEqual([
      'appleEnrollmentProfiles',
      'policySets',
      'uploadedAdmxFiles',
    ]);
  });

  test('dependencies come first and Conditional Access last; CA and named locations pace at 1/s', () => {
    const order = [...POLICY_TYPE_KEYS].sort((a, b) => restoreOrder(a) - restoreOrder(b));
    expect(order.slice(0, 3)).toEqual(['scopeTags', 'assignmentFilters', 'roleDefinitions']);
    expect(order[order.length - 1]).toBe('conditionalAccessPolicies');
    expect(restoreOrder('namedLocations')).toBeLessThan(restoreOrder('conditionalAccessPolicies'));
    expect(restoreOrder('notificationTemplates')).toBeLessThan(restoreOrder('compliance'));
    expect(writeFamilyOf('namedLocations')).toBe('conditionalAccess');
    expect(WRITE_LIMITS.conditionalAccess).toEqual({ writes: 1, windowMs: 1000, retryAfter: false });
    expect(WRITE_LIMITS.intune).toEqual({ writes: 100, windowMs: 20_000, retryAfter: true });
  });
});

describe('write shapes Graph insists on', () => {
  test('settings catalog: settings inline on create, PUT with settings on update', () => {
    const { stored, live } = firstPayload('settingsCatalog');
    const created = bodyOf(stepsFor(base('settingsCatalog', stored))[0]);
    expect(created.settings).toHaveLength((stored.settings as unknown[]).length);
    expect(created).not.toHaveProperty('settingCount');
    const update = stepsFor({
      ...base('settingsCatalog', stored),
      action: 'update',
      targetGraphId: 'x',
      live,
    })[0];
    expect(update).toMatchObject({
      kind: 'request',
      method: 'PUT',
      path: '/deviceManagement/configurationPolicies/{id}',
    });
    expect(bodyOf(update).settings).toHaveLength((stored.settings as unknown[]).length);
  });

  test('compliance: actions inline on create; update PATCHes without them, then scheduleActionsForRules', () => {
    const { stored, live } = firstPayload('compliance');
    const created = bodyOf(stepsFor(base('compliance', stored))[0]);
    expect((created.scheduledActionsForRule as GraphJson[])[0]?.scheduledActionConfigurations).toContainEqual(
      expect.objectContaining({ actionType: 'block' }),
    );
    const steps = stepsFor({ ...base('compliance', stored), action: 'update', targetGraphId: 'x', live });
    expect(bodyOf(steps[0])).not.toHaveProperty('scheduledActionsForRule');
    expect(step(steps, 'scheduledActions')).toMatchObject({
      method: 'POST',
      path: '/deviceManagement/deviceCompliancePolicies/{id}/scheduleActionsForRules',
    });
  });

  test('administrative templates: values through updateDefinitionValues, bound by URL; updates by live id', () => {
    const { stored, live } = firstPayload('administrativeTemplates');
    const values = stored.definitionValues as GraphJson[];
    const created = bodyOf(step(stepsFor(base('administrativeTemplates', stored)), 'definitionValues'));
    expect(created.added).toHaveLength(values.length);
    expect((created.added as GraphJson[])[0]?.['definition@odata.bind']).toMatch(
      /groupPolicyDefinitions\('[0-9a-f-]+'\)$/,
    );
    const input = {
      ...base('administrativeTemplates', stored),
      action: 'update' as const,
      targetGraphId: 'x',
      live,
    };
    const updated = bodyOf(step(stepsFor(input), 'definitionValues'));
    expect(updated).toMatchObject({ added: [], deletedIds: [] });
    expect((updated.updated as GraphJson[]).map((v) => v.id)).toEqual(values.map((v) => v.id));
  });

  test("administrative templates: each presentation value is bound to its presentation's id", () => {
    const stored = samplePayloads('administrativeTemplates', 12)
      .map((sample) => sample.stored)
      .find((payload) =>
        (payload.definitionValues as GraphJson[]).some((v) => (v.presentationValues as unknown[]).length > 0),
      ) as GraphJson;
    const created = bodyOf(step(stepsFor(base('administrativeTemplates', stored)), 'definitionValues'));
    const expected = (stored.definitionValues as GraphJson[]).flatMap((value) =>
      (value.presentationValues as GraphJson[]).map(
        (pv) =>
          `groupPolicyDefinitions('${(value.definition as GraphJson).id}')/presentations('${(pv.presentation as GraphJson).id}')`,
      ),
    );
    const bound = (created.added as GraphJson[]).flatMap((value) =>
      (value.presentationValues as GraphJson[]).map((pv) => String(pv['presentation@odata.bind'])),
    );
    expect(bound.map((url) => url.slice(url.indexOf('groupPolicyDefinitions(')))).toEqual(expected);
  });

  test('Conditional Access: report-only unless asked; a disabled policy stays disabled', () => {
    const policies = samplePayloads('conditionalAccessPolicies', 12).map((s) => s.stored);
    const enabled = policies.find((p) => p.state === 'enabled') as GraphJson;
    expect(bodyOf(stepsFor(base('conditionalAccessPolicies', enabled))[0]).state).toBe(REPORT_ONLY);
    const asBackedUp = {
      ...base('conditionalAccessPolicies', enabled),
      conditionalAccessState: 'as_backed_up' as const,
    };
    expect(bodyOf(stepsFor(asBackedUp)[0]).state).toBe('enabled');
    const disabled = { ...enabled, state: 'disabled' };
    expect(bodyOf(stepsFor(base('conditionalAccessPolicies', disabled))[0]).state).toBe('disabled');
  });

  test('encrypted OMA-URI settings are written as plain text, unencrypted, without a secret reference', () => {
    const custom = samplePayloads('deviceConfiguration', 80)
      .map((s) => s.stored)
      .find((p) =>
        (p.omaSettings as GraphJson[] | undefined)?.some((o) => o.isEncrypted === true),
      ) as GraphJson;
    const plain = {
      ...custom,
      omaSettings: (custom.omaSettings as GraphJson[]).map((o) =>
        o.isEncrypted ? { ...o, value: 'plain', secretReferenceValueId: 'ref-1' } : o,
      ),
    };
    const sent = bodyOf(stepsFor(base('deviceConfiguration', plain))[0]).omaSettings as GraphJson[];
    expect(sent.every((o) => o.isEncrypted === false && !('secretReferenceValueId' in o))).toBe(true);
    expect(sent).toContainEqual(expect.objectContaining({ value: 'plain' }));
  });

  test('enrollment: priority through setPriority; a default configuration is only PATCHed', () => {
    const { stored, live } = firstPayload('enrollmentConfigurations');
    const steps = stepsFor({
      ...base('enrollmentConfigurations', stored),
      action: 'update',
      targetGraphId: 'x',
      live,
    });
    expect(bodyOf(steps[0])).not.toHaveProperty('priority');
    expect(bodyOf(step(steps, 'priority'))).toEqual({ priority: stored.priority });
    const fallback = { ...stored, id: 'abc_DefaultLimit', priority: 0 };
    const defaultSteps = stepsFor({
      ...base('enrollmentConfigurations', fallback),
      action: 'update',
      targetGraphId: 'x',
      live,
    });
    expect(defaultSteps.map((s) => s.name)).toEqual(['update']);
    expect(() => stepsFor(base('enrollmentConfigurations', fallback))).toThrow(/never created/);
  });

  test('Autopilot assignments and notification locales are added one by one, only where missing', () => {
    const profile = samplePayloads('autopilotProfiles', 20)
      .map((s) => s.stored)
      .find((p) => (p.assignments as unknown[]).length > 0) as GraphJson;
    const assignments = step(stepsFor(base('autopilotProfiles', profile)), 'assignments');
    expect(assignments).toMatchObject({
      kind: 'ensureEach',
      postPath: '/deviceManagement/windowsAutopilotDeploymentProfiles/{id}/assignments',
    });
    const { stored, live } = firstPayload('notificationTemplates');
    expect(bodyOf(stepsFor(base('notificationTemplates', stored))[0])).not.toHaveProperty('description');
    // Graph refuses it on create; it is written right after.
    expect(step(stepsFor(base('notificationTemplates', stored)), 'completeCreate')).toMatchObject({
      method: 'PATCH',
      body: { description: stored.description },
    });
    // One step per locale, named by it alone: the names do not depend on the live object.
    const messages = stepsFor(base('notificationTemplates', stored)).filter((s) =>
      s.name.startsWith('message:'),
    );
    expect(messages.map((s) => (s.kind === 'ensureEach' ? s.bodies.length : 0))).toEqual(
      (stored.localizedNotificationMessages as unknown[]).map(() => 1),
    );
    const update = stepsFor({
      ...base('notificationTemplates', stored),
      action: 'update',
      targetGraphId: 'x',
      live,
    });
    expect(step(update, 'messages')).toBeUndefined();
    expect(update.filter((s) => s.name.startsWith('message:') && s.kind === 'request')).toHaveLength(
      (stored.localizedNotificationMessages as unknown[]).length,
    );
  });
});

describe('verification', () => {
  const { stored } = firstPayload('powershellScripts');
  const input = base('powershellScripts', stored);
  const restored = { ...stored, id: 'new-id', createdDateTime: '2026-12-01T00:00:00Z', extraDefault: true };

  test('what Graph filled in is not a change; what it altered is', () => {
    expect(verifyRestored(input, restored)).toEqual({ verification: 'verified', serverChanges: [] });
    const altered = verifyRestored(input, {
      ...restored,
      runAsAccount: stored.runAsAccount === 'user' ? 'system' : 'user',
    });
    expect(altered.verification).toBe('verified_with_server_changes');
    expect(altered.serverChanges).toEqual([
      { path: '/runAsAccount', sent: stored.runAsAccount, got: expect.any(String) },
    ]);
  });

  test('restorable content leaves out ids and server fields, so a re-created object equals its backup', () => {
    expect(restorableContent('powershellScripts', restored)).toEqual(
      restorableContent('powershellScripts', stored),
    );
    expect(restorableContent('powershellScripts', stored)).not.toHaveProperty('id');
  });
});

describe('marker', () => {
  test('short, unique per item, and found again in the value it was written into', () => {
    expect(markerOf('r1', 'i1')).toMatch(/^tv-restore:[0-9a-f]{10}$/);
    expect(markerOf('r1', 'i1')).toBe(markerOf('r1', 'i1'));
    expect(markerOf('r1', 'i2')).not.toBe(markerOf('r1', 'i1'));
    const marker = markerOf('r1', 'i1');
    expect(hasMarker(withMarker('Baseline for kiosks', marker), marker)).toBe(true);
    expect(hasMarker(withMarker(null, marker), marker)).toBe(true);
    expect(hasMarker('Baseline for kiosks', marker)).toBe(false);
    expect(hasMarker(withMarker('x', markerOf('r1', 'i2')), marker)).toBe(false);
  });
});
