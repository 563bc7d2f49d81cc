// The write steps of every writable type over realistic payloads (a generated emulator tenant):
// no read-only property in a body, assignments complete and never in a create body, the marker.
import { canonicalizePolicy } from '../../src/graph/canonical';
import { POLICY_TYPE_KEYS, type PolicyTypeKey } from '../../src/graph/policyTypes';
import { hasMarker, markerOf } from '../../src/restore/marker';
import { isWritableType, objectRefusalOf, WRITE_RECIPES } from '../../src/restore/recipes';
import { type StepInput, stepsFor } from '../../src/restore/steps';
import { restorableContent } from '../../src/restore/verify';
import type { GraphJson, WriteStep } from '../../src/restore/types';
import { samplePayloads, stepInputOf } from '../support/restorePayloads';

const MARKER = markerOf('restore-1', 'item-1');
const READ_ONLY = [
  'createdDateTime',
  'lastModifiedDateTime',
  'modifiedDateTime',
  'version',
  'isAssigned',
  'supportsScopeTags',
];
const WRITABLE = POLICY_TYPE_KEYS.filter(isWritableType);

function input(policyType: PolicyTypeKey, backup: GraphJson, overrides: Partial<StepInput> = {}): StepInput {
  return { ...stepInputOf(policyType, backup, MARKER), ...overrides };
}

/** Every key of a JSON value at any depth, with its path. */
function keysOf(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keysOf(item, `${path}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [
    `${path}/${key}`,
    ...keysOf(item, `${path}/${key}`),
  ]);
}

const bodiesOf = (step: WriteStep): GraphJson[] => (step.kind === 'ensureEach' ? step.bodies : [step.body]);
const directAssignments = (payload: GraphJson) =>
  (Array.isArray(payload.assignments) ? (payload.assignments as GraphJson[]) : []).filter(
    (a) => a.source === undefined || a.source === 'direct',
  );

describe.each(WRITABLE)('%s', (type) => {
  const samples = samplePayloads(type, 12).filter(
    (sample) => objectRefusalOf(type, sample.stored) === undefined,
  );
  const recipe = WRITE_RECIPES[type];

  test('the sample tenant has objects of the type to write', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  for (const action of ['create', 'update'] as const) {
    if (action === 'create' && recipe.createRefused !== null) continue;
    test(`${action}: bodies hold no id, server-set field or assignments; step names are unique`, () => {
      for (const { stored, live } of samples) {
        const steps = stepsFor(
          input(type, stored, action === 'update' ? { action, targetGraphId: String(live.id), live } : {}),
        );
        expect(steps[0]?.name).toBe(action);
        expect(new Set(steps.map((s) => s.name)).size).toBe(steps.length);
        const first = steps[0] as WriteStep;
        expect(bodiesOf(first)[0]).not.toHaveProperty('assignments');
        for (const step of steps) {
          for (const body of bodiesOf(step)) {
            const keys = keysOf(body).map((path) => path.split('/').pop() as string);
            for (const readOnly of READ_ONLY) expect(keys).not.toContain(readOnly);
            expect(
              keys.filter((key) => key.includes('@odata.') && !/@odata\.(type|bind)$/.test(key)),
            ).toEqual([]);
            // Ids are written only where Graph needs the live element's (updates of ADMX values,
            // intent settings); a create's bodies never carry one.
            if (action === 'create') expect(keys).not.toContain('id');
          }
        }
      }
    });
  }

  // RestoreRun fixes an item's step names when it begins, before the live object is read, and
  // skips at run time a name the live-built list lacks: names that depend on the live object
  // would leave steps unwritten while the item ends `updated`.
  test('update: the step names do not depend on the live object', () => {
    for (const { stored, live } of samples) {
      const update = { action: 'update' as const, targetGraphId: String(live.id) };
      const names = (steps: WriteStep[]) => steps.map((step) => step.name);
      expect(names(stepsFor(input(type, stored, { ...update, live })))).toEqual(
        names(stepsFor(input(type, stored, { ...update, live: null }))),
      );
    }
  });

  test('restorable content: the live object equals its own backup (ids, server fields, volatile fields out)', () => {
    const text = (payload: GraphJson) => canonicalizePolicy(type, restorableContent(type, payload)).json;
    for (const { stored, live } of samples) expect(text({ ...live, id: 'another-id' })).toBe(text(stored));
  });

  test('assignments: the complete direct list in one step, or none when skipped', () => {
    for (const { stored, live } of samples) {
      const update = { action: 'update' as const, targetGraphId: String(live.id), live };
      const steps = stepsFor(input(type, stored, update));
      const assignStep = steps.find((s) => s.name === 'assign' || s.name === 'assignments');
      if (recipe.assignments === null) {
        expect(assignStep).toBeUndefined();
        continue;
      }
      const expected = directAssignments(stored);
      if (recipe.assignments.mode === 'assign') {
        expect(assignStep?.kind).toBe('request');
        const sent =
          assignStep?.kind === 'request' ? (assignStep.body[recipe.assignments.bodyKey] as GraphJson[]) : [];
        expect(sent).toHaveLength(expected.length);
        expect(sent.map((a) => a.target)).toEqual(
          expected.map((a) => {
            const { '@odata.type': odataType, groupId, ...rest } = a.target as GraphJson;
            expect(
              Object.keys(rest).every((k) => k.startsWith('deviceAndAppManagementAssignmentFilter')),
            ).toBe(true);
            return expect.objectContaining({ '@odata.type': odataType, ...(groupId ? { groupId } : {}) });
          }),
        );
      } else if (expected.length > 0) {
        expect(assignStep?.kind === 'ensureEach' ? assignStep.bodies : []).toHaveLength(expected.length);
      }
      const skipped = stepsFor(input(type, stored, { ...update, assignments: 'skip' }));
      expect(skipped.some((s) => s.name === 'assign' || s.name === 'assignments')).toBe(false);
    }
  });

  test('a create writes its marker and ends by writing the property back without it', () => {
    if (recipe.createRefused !== null) return;
    for (const { stored } of samples) {
      const steps = stepsFor(input(type, stored));
      const create = steps[0];
      if (create?.kind !== 'create') throw new Error('first step is not a create');
      if (recipe.markerProperty === null) {
        expect(create.markerProperty).toBeNull();
        expect(steps.some((s) => s.name === 'unmark')).toBe(false);
        continue;
      }
      expect(hasMarker(create.body[recipe.markerProperty], MARKER)).toBe(true);
      const last = steps[steps.length - 1];
      expect(last?.name).toBe('unmark');
      expect(last?.kind === 'request' ? last.body[recipe.markerProperty] : 'no body').toEqual(
        stored[recipe.markerProperty] ?? null,
      );
    }
  });
});

// Review (issue 17): app configurations against Graph's pages. An iOS device app configuration's
// `settings` are its key/value items (appConfigurationSettingItem, docs intune-apps-iosmobileappconfiguration);
// a MAM (targeted) configuration is assigned at `targetedManagedAppConfigurations/{id}/assign`, no
// cast to managedDeviceMobileAppConfiguration, which it is not (docs intune-mam-targetedmanagedappconfiguration-assign).
describe('appConfiguration against Graph', () => {
  const target = { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'g-1' };
  it('re-creates an iOS device app configuration with its settings', () => {
    const ios: GraphJson = {
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      id: 'ios-1',
      displayName: 'Outlook config',
      targetedMobileApps: ['app-1'],
      settings: [{ appConfigKey: 'k', appConfigKeyType: 'stringType', appConfigKeyValue: 'v' }],
    };
    const create = stepsFor(input('appConfiguration', ios, { action: 'create' }))[0]!;
    expect(create.kind === 'create' && create.body.settings).toEqual(ios.settings);
  });

  it("assigns a targeted (MAM) configuration at its own set's /assign", () => {
    const mam: GraphJson = {
      '@odata.type': '#microsoft.graph.targetedManagedAppConfiguration',
      id: 'mam-1',
      displayName: 'MAM config',
      customSettings: [{ name: 'k', value: 'v' }],
      assignments: [{ id: 'a-1', target }],
    };
    const assign = stepsFor(
      input('appConfiguration', mam, { action: 'update', targetGraphId: 'mam-1' }),
    ).find((step) => step.name === 'assign');
    expect(assign?.kind === 'request' && assign.path).toBe(
      '/deviceAppManagement/targetedManagedAppConfigurations/{id}/assign',
    );
  });
});
