// Reference ids of two tenants' payloads replaced by names (src/baselines/referenceTokens.ts).
import { tokenizePair } from '../../src/baselines/referenceTokens';

const assigned = (id: string, groupId: string, filterId: string, tags: string[]) => ({
  id,
  displayName: 'Restrictions',
  roleScopeTagIds: tags,
  assignments: [
    {
      id: `${id}_${groupId}`,
      target: {
        '@odata.type': '#microsoft.graph.groupAssignmentTarget',
        groupId,
        deviceAndAppManagementAssignmentFilterId: filterId,
        deviceAndAppManagementAssignmentFilterType: 'include',
      },
    },
  ],
});

test('the same names in two tenants give the same payload; the own ids are left out', () => {
  const baseline = {
    payload: assigned('p-a', 'g-a', 'f-a', ['0', 't-a']),
    names: new Map([
      ['group:g-a', 'SG - Pilot'],
      ['assignmentFilter:f-a', 'Corporate devices'],
      ['scopeTag:t-a', 'Berlin'],
    ]),
  };
  const tenant = {
    payload: assigned('p-b', 'g-b', 'f-b', ['0', 't-b']),
    names: new Map([
      ['group:g-b', 'SG - Pilot'],
      ['assignmentFilter:f-b', 'Corporate devices'],
      ['scopeTag:t-b', 'Berlin'],
    ]),
  };
  const result = tokenizePair('deviceConfiguration', baseline, tenant);
  expect(result.unresolved).toEqual([]);
  expect(result.baseline).toEqual(result.tenant);
  expect(result.baseline).toEqual({
    displayName: 'Restrictions',
    roleScopeTagIds: ['scopeTag:Default', 'scopeTag:Berlin'],
    assignments: [
      {
        target: {
          '@odata.type': '#microsoft.graph.groupAssignmentTarget',
          groupId: 'group:SG - Pilot',
          deviceAndAppManagementAssignmentFilterId: 'assignmentFilter:Corporate devices',
          deviceAndAppManagementAssignmentFilterType: 'include',
        },
      },
    ],
  });
});

test('ids without a name compare equal and are listed per side; other names still differ', () => {
  const result = tokenizePair(
    'deviceConfiguration',
    { payload: assigned('p-a', 'g-a', 'f-a', ['0']), names: new Map([['assignmentFilter:f-a', 'Kiosks']]) },
    { payload: assigned('p-b', 'g-b', 'f-b', ['0']), names: new Map([['assignmentFilter:f-b', 'Laptops']]) },
  );
  expect(result.unresolved).toEqual([
    { kind: 'group', id: 'g-a', side: 'baseline' },
    { kind: 'group', id: 'g-b', side: 'tenant' },
  ]);
  const target = (payload: unknown) => (payload as ReturnType<typeof assigned>).assignments[0]!.target;
  expect(target(result.baseline).groupId).toBe(target(result.tenant).groupId);
  expect(target(result.baseline).deviceAndAppManagementAssignmentFilterId).toBe('assignmentFilter:Kiosks');
  expect(target(result.tenant).deviceAndAppManagementAssignmentFilterId).toBe('assignmentFilter:Laptops');
});

test('an id both payloads hold is one object, even renamed between the sets', () => {
  const result = tokenizePair(
    'deviceConfiguration',
    { payload: assigned('p', 'g', 'f', ['0']), names: new Map([['group:g', 'Old name']]) },
    { payload: assigned('p', 'g', 'f', ['0']), names: new Map([['group:g', 'New name']]) },
  );
  expect(result.baseline).toEqual(result.tenant);
  expect(result.unresolved).toEqual([]);
});

test('Conditional Access keywords stay as they are', () => {
  const ca = (users: string[]) => ({ conditions: { users: { includeUsers: users } } });
  const result = tokenizePair(
    'conditionalAccessPolicies',
    { payload: ca(['All']), names: new Map() },
    { payload: ca(['All']), names: new Map() },
  );
  expect(result.baseline).toEqual(ca(['All']));
  expect(result.unresolved).toEqual([]);
});
