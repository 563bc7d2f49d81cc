// The fetcher completes inline expanded lists that Graph pages (`<property>@odata.nextLink`),
// at any depth and on every page. Graph is a fake here: the merge logic is what is under test
// (the real emulator's inline paging is covered in test/integration/graphFidelity.test.ts).
import { GraphProtocolError } from '../../src/graph';
import { GraphClient } from '../../src/graph/graphClient';
import type { GraphHttp } from '../../src/graph/graphHttp';
import { completeInlineLists, ListExpansionFallbacks } from '../../src/graph/listExpansion';

const BASE = 'https://graph.example';
const LIST =
  '/beta/deviceManagement/deviceCompliancePolicies?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)';

function clientServing(
  routes: Record<string, unknown>,
  opts: { listExpansions?: boolean; requested?: string[] } = {},
): GraphClient {
  const http = {
    async getJson(url: string) {
      const path = url.slice(BASE.length);
      opts.requested?.push(path);
      if (!(path in routes)) throw new Error(`unrouted ${path}`);
      return structuredClone(routes[path]);
    },
  } as unknown as GraphHttp;
  return new GraphClient(http, BASE, {
    enabled: opts.listExpansions ?? false,
    tenantKey: 't',
    fallbacks: new ListExpansionFallbacks(),
    warn: () => {},
  });
}

async function firstPolicy(client: GraphClient) {
  for await (const page of client.fetchPolicyPages('compliance')) return page[0];
  return undefined;
}

const rule = (id: string, actions: unknown[], next?: string) => ({
  id,
  scheduledActionConfigurations: actions,
  ...(next ? { 'scheduledActionConfigurations@odata.nextLink': `${BASE}${next}` } : {}),
});

test('a next link inside an element of a later inline page is followed too', async () => {
  const client = clientServing({
    [LIST]: {
      value: [
        {
          id: 'p1',
          scheduledActionsForRule: [rule('r1', [{ id: 'a1' }])],
          'scheduledActionsForRule@odata.nextLink': `${BASE}/beta/rules-page-2`,
        },
      ],
    },
    '/beta/rules-page-2': { value: [rule('r2', [{ id: 'b1' }], '/beta/actions-page-2')] },
    '/beta/actions-page-2': { value: [{ id: 'b2' }] },
    '/beta/deviceManagement/deviceCompliancePolicies/p1/assignments': { value: [] },
  });
  const policy = await firstPolicy(client);
  const rules = policy?.payload.scheduledActionsForRule as {
    id: string;
    scheduledActionConfigurations: unknown[];
  }[];
  expect(rules.map((r) => [r.id, r.scheduledActionConfigurations.length])).toEqual([
    ['r1', 1],
    ['r2', 2],
  ]);
  expect(JSON.stringify(policy?.payload)).not.toContain('@odata.nextLink');
});

test('a next link without the list beside it is a protocol error naming the item', async () => {
  const client = clientServing({
    [LIST]: { value: [{ id: 'p1', 'scheduledActionsForRule@odata.nextLink': `${BASE}/beta/x` }] },
  });
  const error = await firstPolicy(client).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GraphProtocolError);
  expect((error as GraphProtocolError).path).toBe('/deviceManagement/deviceCompliancePolicies/p1');
});

test('catalog definitions are taken off each setting, whole even when paged inline, and handed aside', async () => {
  const settings =
    '/beta/deviceManagement/configurationPolicies/p1/settings?$expand=settingDefinitions&$top=1000';
  const definition = (id: string) => ({ id, displayName: id.toUpperCase() });
  const client = clientServing({
    '/beta/deviceManagement/configurationPolicies': { value: [{ id: 'p1', name: 'P' }] },
    [settings]: {
      value: [
        {
          id: '0',
          settingInstance: { settingDefinitionId: 'a' },
          settingDefinitions: [definition('a')],
          'settingDefinitions@odata.nextLink': `${BASE}/beta/definitions-page-2`,
        },
        { id: '1', settingInstance: { settingDefinitionId: 'c' }, settingDefinitions: [definition('c')] },
      ],
    },
    '/beta/definitions-page-2': { value: [definition('b')] },
    '/beta/deviceManagement/configurationPolicies/p1/assignments': { value: [] },
  });
  let policy: Awaited<ReturnType<typeof firstPolicy>>;
  for await (const page of client.fetchPolicyPages('settingsCatalog')) policy = page[0];
  expect(policy?.settingDefinitions?.map((d) => d.id)).toEqual(['a', 'b', 'c']);
  expect(JSON.stringify(policy?.payload)).not.toContain('settingDefinitions');
  expect(policy?.payload.settings).toHaveLength(2);
});

test('a list expansion inlined short of its @odata.count, or not at all, is read per item', async () => {
  const listing = `${LIST},assignments`;
  const assignments = (policy: string) =>
    `/beta/deviceManagement/deviceCompliancePolicies/${policy}/assignments`;
  const requested: string[] = [];
  const client = clientServing(
    {
      [listing]: {
        value: [
          { id: 'whole', scheduledActionsForRule: [], assignments: [{ id: 'w1' }] },
          {
            id: 'short',
            scheduledActionsForRule: [],
            assignments: [{ id: 's1' }],
            'assignments@odata.count': 2,
          },
          { id: 'missing', scheduledActionsForRule: [] },
        ],
      },
      [assignments('short')]: { value: [{ id: 's1' }, { id: 's2' }] },
      [assignments('missing')]: { value: [{ id: 'm1' }] },
    },
    { listExpansions: true, requested },
  );
  const policies = [];
  for await (const page of client.fetchPolicyPages('compliance')) policies.push(...page);
  expect(policies.map((p) => [p.graphId, (p.payload.assignments as unknown[]).length])).toEqual([
    ['whole', 1],
    ['short', 2],
    ['missing', 1],
  ]);
  expect(requested.sort()).toEqual([listing, assignments('missing'), assignments('short')].sort());
});

test('an empty inline list counts only once the listing showed that property filled', () => {
  const item = { id: 'p1', assignments: [], apps: [{ id: 'a' }] };
  expect([...completeInlineLists(item, ['assignments', 'apps'], new Set())]).toEqual(['apps']);
  expect([...completeInlineLists(item, ['assignments', 'apps'], new Set(['assignments']))]).toEqual([
    'assignments',
    'apps',
  ]);
});
