// The plan's decision per item (src/restore/decide.ts): the mode x live-state matrix, and every
// reason an item is blocked, over realistic payloads (a generated emulator tenant).
import { canonicalizePolicy } from '../../src/graph/canonical';
import type { PolicyTypeKey } from '../../src/graph/policyTypes';
import { type DecideInput, decideItem } from '../../src/restore/decide';
import type { GraphJson } from '../../src/restore/types';
import { firstPayload, samplePayloads } from '../support/restorePayloads';

const BACKUP_AT = new Date('2026-11-02T08:15:00Z');

function inputFor(policyType: PolicyTypeKey, backup: GraphJson, live: GraphJson | null): DecideInput {
  return {
    policyType,
    sourceGraphId: String(backup.id),
    backup,
    mode: 'in_place',
    assignments: 'restore',
    conditionalAccessState: 'report_only',
    live:
      live === null
        ? null
        : {
            graphId: String(live.id),
            payload: live,
            hash: canonicalizePolicy(policyType, live).sha256,
            lastModifiedDateTime: (live.lastModifiedDateTime as string | undefined) ?? null,
          },
    sameName: [],
    grantedPermissions: null,
    missingReferences: [],
    uncapturedSecrets: 0,
    backupCreatedAt: BACKUP_AT,
  };
}

describe('modes x live state', () => {
  const { stored, live } = firstPayload('settingsCatalog');
  const edited = { ...live, description: 'Edited after the backup' };

  test('in_place: unchanged -> noop, edited -> update with the leaf changes, gone -> create', () => {
    expect(decideItem(inputFor('settingsCatalog', stored, live))).toMatchObject({
      action: 'noop',
      targetGraphId: live.id,
    });
    const update = decideItem(inputFor('settingsCatalog', stored, edited));
    expect(update).toMatchObject({
      action: 'update',
      targetGraphId: live.id,
      precondition: { hash: expect.any(String) },
    });
    expect(update.changes).toEqual([
      expect.objectContaining({
        op: 'replace',
        path: '/description',
        before: 'Edited after the backup',
        after: stored.description,
      }),
    ]);
    expect(decideItem(inputFor('settingsCatalog', stored, null))).toEqual({
      action: 'create',
      precondition: { absent: true },
      createName: stored.name,
    });
  });

  test('in_place: gone while other live objects have its name -> ambiguous_match', () => {
    const input = {
      ...inputFor('settingsCatalog', stored, null),
      sameName: [{ id: 'a', name: String(stored.name) }],
    };
    expect(decideItem(input)).toMatchObject({ action: 'blocked', blockedReason: 'ambiguous_match' });
  });

  test('missing_only: present -> noop saying it exists, even when edited; gone -> create', () => {
    const input = { ...inputFor('settingsCatalog', stored, edited), mode: 'missing_only' as const };
    expect(decideItem(input)).toMatchObject({ action: 'noop', detail: expect.stringMatching(/exists/) });
    expect(decideItem({ ...input, live: null }).action).toBe('create');
  });

  // Review (issue 17): an object deleted and re-made by hand under its name has a new id; missing_only
  // would create a second one beside it, the duplicate restores are blamed for.
  test('missing_only: gone while other live objects have its name -> ambiguous_match, no second object', () => {
    const input = {
      ...inputFor('settingsCatalog', stored, null),
      mode: 'missing_only' as const,
      sameName: [{ id: 'a', name: String(stored.name) }],
    };
    expect(decideItem(input)).toMatchObject({ action: 'blocked', blockedReason: 'ambiguous_match' });
  });

  test('as_copy: always a create, named after the backup', () => {
    const decision = decideItem({ ...inputFor('settingsCatalog', stored, live), mode: 'as_copy' });
    expect(decision).toMatchObject({
      action: 'create',
      createName: `${stored.name} (restored from 2026-11-02 08:15 UTC)`,
    });
    expect(decision.adjustments).toEqual([expect.objectContaining({ path: '/name', from: stored.name })]);
  });

  test('assignments skip: a live object differing only in assignments is a noop', () => {
    const reassigned = { ...live, assignments: [] };
    expect(decideItem(inputFor('settingsCatalog', stored, reassigned)).action).toBe(
      (stored.assignments as unknown[]).length > 0 ? 'update' : 'noop',
    );
    expect(
      decideItem({ ...inputFor('settingsCatalog', stored, reassigned), assignments: 'skip' }).action,
    ).toBe('noop');
  });
});

describe('blocked', () => {
  const { stored, live } = firstPayload('compliance');

  test('a permission the token lacks blocks; unknown permissions do not', () => {
    const input = {
      ...inputFor('compliance', stored, null),
      grantedPermissions: ['DeviceManagementConfiguration.Read.All'],
    };
    expect(decideItem(input)).toMatchObject({ action: 'blocked', blockedReason: 'permission_missing' });
    const granted = { ...input, grantedPermissions: ['DeviceManagementConfiguration.ReadWrite.All'] };
    expect(decideItem(granted).action).toBe('create');
    expect(decideItem({ ...input, grantedPermissions: null }).action).toBe('create');
  });

  test('a reference that no longer resolves and a secret not captured block a write, not a noop', () => {
    const missing = {
      ...inputFor('compliance', stored, null),
      missingReferences: [{ kind: 'group', id: 'g1' }],
    };
    expect(decideItem(missing)).toMatchObject({
      action: 'blocked',
      blockedReason: 'missing_reference',
      blockedDetail: expect.stringMatching(/group g1/),
    });
    expect(decideItem({ ...missing, live: inputFor('compliance', stored, live).live }).action).toBe('noop');
    const secret = { ...inputFor('compliance', stored, null), uncapturedSecrets: 2 };
    expect(decideItem(secret)).toMatchObject({ action: 'blocked', blockedReason: 'secret_not_captured' });
  });

  test('refused types and objects: ADMX files, built-in scope tag, global remediation scripts', () => {
    const admx = firstPayload('uploadedAdmxFiles').stored;
    expect(decideItem(inputFor('uploadedAdmxFiles', admx, null))).toMatchObject({
      blockedReason: 'type_refused',
    });
    const defaultTag = firstPayload('scopeTags').stored;
    expect(defaultTag.id).toBe('0');
    expect(decideItem(inputFor('scopeTags', defaultTag, defaultTag))).toMatchObject({
      blockedReason: 'type_refused',
    });
    const global = samplePayloads('remediations', 12).find((s) => s.stored.isGlobalScript === true)
      ?.stored as GraphJson;
    expect(decideItem(inputFor('remediations', global, null))).toMatchObject({
      blockedReason: 'type_refused',
    });
  });

  test('intents and default enrollment configurations may be updated, never created', () => {
    const intent = firstPayload('endpointSecurityIntents');
    expect(decideItem(inputFor('endpointSecurityIntents', intent.stored, null))).toMatchObject({
      blockedReason: 'create_refused',
    });
    const edited = { ...intent.live, displayName: 'Renamed' };
    expect(decideItem(inputFor('endpointSecurityIntents', intent.stored, edited)).action).toBe('update');
    const enrollment = firstPayload('enrollmentConfigurations');
    const fallback = { ...enrollment.stored, id: 'x_DefaultPlatformRestrictions', priority: 0 };
    expect(decideItem(inputFor('enrollmentConfigurations', fallback, null))).toMatchObject({
      blockedReason: 'create_refused',
    });
    const liveDefault = { ...enrollment.live, id: fallback.id, priority: 0, displayName: 'Changed' };
    expect(decideItem(inputFor('enrollmentConfigurations', fallback, liveDefault)).action).toBe('update');
  });

  test('a settings catalog policy whose template the plan found retired is not created', () => {
    const templated = samplePayloads('settingsCatalog', 20)
      .map((s) => s.stored)
      .find((p) => ((p.templateReference as GraphJson | undefined)?.templateId ?? '') !== '') as GraphJson;
    const templateId = String((templated.templateReference as GraphJson).templateId);
    const input = {
      ...inputFor('settingsCatalog', templated, null),
      templateStates: { [templateId]: 'retired' },
    };
    expect(decideItem(input)).toMatchObject({
      blockedReason: 'create_refused',
      blockedDetail: expect.stringMatching(new RegExp(`${templateId} is retired`)),
    });
    expect(decideItem({ ...input, templateStates: { [templateId]: 'not found' } }).blockedReason).toBe(
      'create_refused',
    );
    for (const usable of [{ [templateId]: 'superseded' }, { [templateId]: 'active' }, {}])
      expect(decideItem({ ...input, templateStates: usable }).action).toBe('create');
    // An update is a PUT of the whole policy, refused by Graph like a create.
    const live = { ...templated, name: `${String(templated.name)} (edited)` };
    const update = { ...inputFor('settingsCatalog', templated, live), templateStates: input.templateStates };
    expect(decideItem({ ...update, templateStates: {} }).action).toBe('update');
    expect(decideItem(update)).toMatchObject({
      action: 'blocked',
      blockedReason: 'type_refused',
      blockedDetail: expect.stringContaining(templateId),
    });
  });
});

describe('Conditional Access', () => {
  const policy = samplePayloads('conditionalAccessPolicies', 12).find(
    (s) => s.stored.state === 'enabled',
  ) as {
    stored: GraphJson;
    live: GraphJson;
  };

  test('an enabled policy found report-only is a noop unless the backed-up state is asked for', () => {
    const reportOnly = { ...policy.live, state: 'enabledForReportingButNotEnforced' };
    const decision = decideItem(inputFor('conditionalAccessPolicies', policy.stored, reportOnly));
    expect(decision).toMatchObject({
      action: 'noop',
      adjustments: [expect.objectContaining({ path: '/state', to: 'enabledForReportingButNotEnforced' })],
    });
    const asBackedUp = {
      ...inputFor('conditionalAccessPolicies', policy.stored, reportOnly),
      conditionalAccessState: 'as_backed_up' as const,
    };
    expect(decideItem(asBackedUp)).toMatchObject({
      action: 'update',
      changes: [expect.objectContaining({ path: '/state', after: 'enabled' })],
    });
  });

  test('an enabled live policy is updated to report-only', () => {
    const decision = decideItem(inputFor('conditionalAccessPolicies', policy.stored, policy.live));
    expect(decision.action).toBe('update');
    expect(decision.changes).toEqual([expect.objectContaining({ path: '/state', before: 'enabled' })]);
  });
});
