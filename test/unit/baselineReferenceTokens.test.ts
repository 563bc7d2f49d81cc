// Reference ids of two tenants' payloads replaced by names (src/baselines/referenceTokens.ts).
import { knownDifferences, tokenizePair } from '../../src/baselines/referenceTokens';

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

test("sub-resources' own ids differ between tenants and are left out; catalog ids stay", () => {
  const admx = (valueId: string, presentationValueId: string) => ({
    id: `policy-${valueId}`,
    displayName: 'Edge',
    definitionValues: [
      {
        id: valueId,
        enabled: true,
        definition: { id: 'def-homepage', displayName: 'Home page' },
        presentationValues: [
          { id: presentationValueId, presentation: { id: 'pres-url' }, value: 'https://a' },
        ],
      },
    ],
  });
  const result = tokenizePair(
    'administrativeTemplates',
    { payload: admx('v-1', 'pv-1'), names: new Map() },
    { payload: admx('v-2', 'pv-2'), names: new Map() },
  );
  expect(result.baseline).toEqual(result.tenant);
  expect(JSON.stringify(result.baseline)).toContain('def-homepage');
  expect(JSON.stringify(result.baseline)).toContain('pres-url');
});

test('a difference that involves a reference one side holds no name for is not reported', () => {
  const baseline = {
    payload: assigned('p-a', 'g-a', 'f-a', ['0']),
    names: new Map([['group:g-a', 'SG - Pilot']]),
  };
  // The tenant's group may well be SG - Pilot too: its name is unknown.
  const tenant = { payload: assigned('p-b', 'g-b', 'f-b', ['0']), names: new Map<string, string>() };
  const result = tokenizePair('deviceConfiguration', baseline, tenant);
  expect(result.unresolved).toEqual(
    expect.arrayContaining([expect.objectContaining({ kind: 'group', id: 'g-b', side: 'tenant' })]),
  );
  const target = (group: string, filter: string) => ({ target: { groupId: group, filterId: filter } });
  const fields = [
    // Explained by the unknown group: the same element with some group on both sides.
    {
      op: 'remove' as const,
      path: '/assignments/[groupId=a]',
      label: 'a',
      before: target('group:SG - Pilot', 'f:1'),
    },
    {
      op: 'add' as const,
      path: '/assignments/[groupId=b]',
      label: 'a',
      after: target('group:(unresolved)', 'f:1'),
    },
    {
      op: 'replace' as const,
      path: '/groupId',
      label: 'g',
      before: 'group:SG - Pilot',
      after: 'group:(unresolved)',
    },
    // Not explained: the filter differs whatever the group is.
    {
      op: 'remove' as const,
      path: '/other/[groupId=a]',
      label: 'o',
      before: target('group:SG - Pilot', 'f:1'),
    },
    {
      op: 'add' as const,
      path: '/other/[groupId=b]',
      label: 'o',
      after: target('group:(unresolved)', 'f:2'),
    },
    { op: 'replace' as const, path: '/displayName', label: 'Display name', before: 'x', after: 'y' },
  ];
  expect(knownDifferences(fields, result.unresolved).map((field) => field.path)).toEqual([
    '/other/[groupId=a]',
    '/other/[groupId=b]',
    '/displayName',
  ]);
});

test('two names both sides resolved still differ beside an unresolved reference of their kind', () => {
  const unresolved = [{ kind: 'group' as const, id: 'gone', side: 'tenant' as const }];
  const fields = [
    { op: 'replace' as const, path: '/groupId', label: 'g', before: 'group:Sales', after: 'group:Finance' },
    {
      op: 'replace' as const,
      path: '/other',
      label: 'o',
      before: 'group:Sales',
      after: 'group:(unresolved)',
    },
    {
      op: 'replace' as const,
      path: '/tags',
      label: 't',
      before: ['group:A', 'group:B'],
      after: ['group:(unresolved)', 'group:A'],
    },
    {
      op: 'replace' as const,
      path: '/tags2',
      label: 't',
      before: ['group:A', 'group:B'],
      after: ['group:C', 'group:A'],
    },
  ];
  expect(knownDifferences(fields, unresolved).map((field) => field.path)).toEqual(['/groupId', '/tags2']);
});
