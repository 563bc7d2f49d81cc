import {
  referenceKey,
  referenceOfKey,
  referencesOf,
  resolveKind,
  rulesFor,
  summarize,
} from '../../src/references';
import type { FailureOutcome, ReferenceReader } from '../../src/references';
import { canonicalFormOf } from '../../src/graph/canonical';
import { POLICY_TYPE_KEYS } from '../../src/graph/policyTypes';

const G1 = '11111111-1111-4111-8111-111111111111';
const G2 = '22222222-2222-4222-8222-222222222222';
const F1 = '33333333-3333-4333-8333-333333333333';
const NULL = '00000000-0000-0000-0000-000000000000';

describe('referencesOf', () => {
  // bench:restore (issue 17): a hotpatch policy's `/assign` met a filter Graph did not have. A
  // restore plan reads references as here (activities/restoreLive missingReferencesOf), so an
  // assignment's group and filter of every type are found and a gone one blocks the item.
  it("finds every type's assignment groups and filters, as a restore plan reads them", () => {
    for (const type of POLICY_TYPE_KEYS) {
      const payload = {
        id: 'p1',
        assignments: [{ target: { groupId: G1, deviceAndAppManagementAssignmentFilterId: F1 } }],
      };
      const found = referencesOf(payload, rulesFor(type), canonicalFormOf(type, payload).volatile);
      expect({ type, found }).toEqual({
        type,
        found: expect.arrayContaining([
          { kind: 'group', id: G1 },
          { kind: 'assignmentFilter', id: F1 },
        ]),
      });
    }
  });

  it('finds assignment groups and filters, scope tags and nested template ids, once each', () => {
    const payload = {
      roleScopeTagIds: ['0', '3'],
      assignments: [
        { target: { groupId: G1, deviceAndAppManagementAssignmentFilterId: F1 } },
        { target: { groupId: G1, deviceAndAppManagementAssignmentFilterId: null } },
        { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } },
      ],
      scheduledActionsForRule: [
        { scheduledActionConfigurations: [{ notificationTemplateId: NULL }, { notificationTemplateId: G2 }] },
      ],
    };
    expect(referencesOf(payload, rulesFor('compliance'))).toEqual([
      { kind: 'scopeTag', id: '0' },
      { kind: 'scopeTag', id: '3' },
      { kind: 'group', id: G1 },
      { kind: 'assignmentFilter', id: F1 },
      { kind: 'notificationTemplate', id: G2 },
    ]);
  });

  it('skips Conditional Access keywords and reads users, groups and locations', () => {
    const payload = {
      conditions: {
        users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers', G2], excludeGroups: [G1] },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted', F1] },
      },
    };
    expect(referencesOf(payload, rulesFor('conditionalAccessPolicies'))).toEqual([
      { kind: 'user', id: G2 },
      { kind: 'group', id: G1 },
      { kind: 'namedLocation', id: F1 },
    ]);
  });

  it('reads members as groups only in role assignments', () => {
    const payload = { roleAssignments: [{ members: [G1], scopeMembers: [G2] }] };
    expect(referencesOf(payload, rulesFor('roleDefinitions')).map((r) => r.id)).toEqual([G1, G2]);
    expect(referencesOf(payload, rulesFor('deviceConfiguration'))).toEqual([]);
  });
});

const okFailure: FailureOutcome = (error) => {
  throw error;
};

function reader(overrides: Partial<ReferenceReader>): ReferenceReader {
  return {
    getByIds: () => Promise.reject(new Error('not expected')),
    listPages: () => {
      throw new Error('not expected');
    },
    captured: () => Promise.resolve(undefined),
    ...overrides,
  };
}

const guid = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

describe('resolveKind', () => {
  it('asks getByIds for groups 1,000 ids at a time; absent ids are missing', async () => {
    const calls: number[] = [];
    const ids = Array.from({ length: 2500 }, (_, n) => guid(n + 1));
    const result = await resolveKind(
      'group',
      ids,
      reader({
        getByIds: (chunk, types) => {
          calls.push(chunk.length);
          expect(types).toEqual(['group']);
          return Promise.resolve(
            chunk
              .filter((id) => id !== guid(7))
              .map((id) => ({
                '@odata.type': '#microsoft.graph.group',
                id,
                displayName: `G ${id}`,
                groupTypes: ['DynamicMembership'],
                membershipRule: 'device.os -eq "Windows"',
                onPremisesSyncEnabled: id === guid(1) ? true : null,
              })),
          );
        },
      }),
      okFailure,
    );
    expect(calls).toEqual([1000, 1000, 500]);
    expect(result.outcome).toEqual({ outcome: 'ok' });
    expect(result.rows[0]).toMatchObject({
      kind: 'group',
      id: guid(1),
      displayName: `G ${guid(1)}`,
      objectType: 'group',
      state: 'resolved',
      details: {
        groupTypes: ['DynamicMembership'],
        membershipRule: 'device.os -eq "Windows"',
        onPremisesSyncEnabled: true,
      },
    });
    expect(result.rows[6]).toMatchObject({ id: guid(7), state: 'missing', displayName: null });
  });

  it('falls back to listing groups when getByIds is refused, and names the permission when that is too', async () => {
    const refused = new Error('403');
    const permissionMissing: FailureOutcome = (_error, permission) => ({
      outcome: 'permission_missing',
      requiredPermission: permission,
      reason: '403',
    });
    const pages = async function* () {
      yield [
        { id: G1, displayName: 'One', groupTypes: [] },
        { id: G2, displayName: 'Other' },
      ];
    };
    const listed = await resolveKind(
      'group',
      [G1],
      reader({ getByIds: () => Promise.reject(refused), listPages: pages }),
      permissionMissing,
    );
    expect(listed.rows).toEqual([expect.objectContaining({ id: G1, displayName: 'One', state: 'resolved' })]);
    const denied = await resolveKind(
      'group',
      [G1],
      reader({
        getByIds: () => Promise.reject(refused),
        // biome-ignore lint/correctness/useYield: refused before any page
        listPages: async function* () {
          throw refused;
        },
      }),
      permissionMissing,
    );
    expect(denied.outcome).toMatchObject({
      outcome: 'permission_missing',
      requiredPermission: 'Group.Read.All',
    });
    expect(denied.rows).toEqual([
      expect.objectContaining({ id: G1, state: 'unreadable', displayName: null }),
    ]);
  });

  it('names filters from the run capture when it has one, else from one listing', async () => {
    const captured = await resolveKind(
      'assignmentFilter',
      [F1, G2],
      reader({ captured: () => Promise.resolve(new Map([[F1, { displayName: 'Corp', objectType: null }]])) }),
      okFailure,
    );
    expect(captured.rows.map((r) => [r.displayName, r.state])).toEqual([
      ['Corp', 'resolved'],
      [null, 'missing'],
    ]);
    const paths: string[] = [];
    const listed = await resolveKind(
      'assignmentFilter',
      [F1],
      reader({
        listPages: async function* (_version, path) {
          paths.push(path);
          yield [{ id: F1, displayName: 'Listed' }];
        },
      }),
      okFailure,
    );
    expect(paths).toEqual(['/deviceManagement/assignmentFilters?$select=id,displayName']);
    expect(listed.rows[0]).toMatchObject({ displayName: 'Listed', state: 'resolved' });
  });

  it('counts an object Graph answers without its name as unreadable', async () => {
    const result = await resolveKind(
      'user',
      [G1],
      reader({
        getByIds: () =>
          Promise.resolve([{ '@odata.type': '#microsoft.graph.user', id: G1, displayName: null }]),
      }),
      okFailure,
    );
    expect(result.rows[0]?.state).toBe('unreadable');
  });
});

describe('summarize', () => {
  it('is permission_missing naming the permissions, failed over both', () => {
    const counts = { resolved: 1, missing: 2, unreadable: 3 };
    const missing = summarize({
      group: {
        outcome: 'permission_missing',
        requiredPermission: 'Group.Read.All',
        reason: '403',
        ...counts,
      },
      scopeTag: { outcome: 'ok', ...counts },
    });
    expect(missing).toMatchObject({
      outcome: 'permission_missing',
      requiredPermissions: ['Group.Read.All'],
      resolved: 2,
      missing: 4,
      unreadable: 6,
    });
    expect(
      summarize({ ...missing.kinds, mobileApp: { outcome: 'failed', reason: 'x', ...counts } }).outcome,
    ).toBe('failed');
    expect(summarize({})).toEqual({ outcome: 'ok', resolved: 0, missing: 0, unreadable: 0, kinds: {} });
  });
});

describe('references stored with captured items', () => {
  it('skips volatile fields and round-trips through the stored key', () => {
    const payload = {
      assignments: [{ target: { groupId: 'g-1', deviceAndAppManagementAssignmentFilterId: 'f-1' } }],
      // An assignment filter's `payloads` name other objects' groups: volatile, not in the set.
      payloads: [{ groupId: 'g-other' }],
    };
    const found = referencesOf(payload, rulesFor('assignmentFilters'), new Set(['payloads']));
    expect(found.map(referenceKey).sort()).toEqual(['assignmentFilter:f-1', 'group:g-1']);
    expect(referenceOfKey('group:g-1')).toEqual({ kind: 'group', id: 'g-1' });
    expect(referenceOfKey('namedLocation:a:b')).toEqual({ kind: 'namedLocation', id: 'a:b' });
    expect(referenceOfKey('unknownKind:x')).toBeUndefined();
    expect(referenceOfKey('nokind')).toBeUndefined();
  });
});
