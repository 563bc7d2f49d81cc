// Microsoft's own Graph SDK for JavaScript, which nobody here wrote, against the emulator: its
// client, page iterator and batch helpers must get what Graph would give them.
import { randomUUID } from 'node:crypto';
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  GraphError,
  PageIterator,
} from '@microsoft/microsoft-graph-client';
import { Agent, fetch } from 'undici';
import { type GraphEmulator, startGraphEmulator } from '../../src/emulator/server';
import { emulatorToken } from '../support/emulatorToken';

type Json = Record<string, unknown>;

let emulator: GraphEmulator;
let agent: Agent;
let client: Client;
let tenantCounts: Record<string, number>;

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0, pageSize: 25 });
  agent = new Agent({ connect: { ca: emulator.caPem } });
  const tenant = { azureTenantId: randomUUID(), clientId: randomUUID(), clientSecret: `s-${randomUUID()}` };
  const created = await fetch(`${emulator.baseUrl}/_emulator/tenants`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...tenant, policies: 400 }),
  });
  expect(created.status).toBe(201);
  tenantCounts = ((await created.json()) as { counts: Record<string, number> }).counts;
  const accessToken = await emulatorToken(emulator.baseUrl, agent, tenant);
  client = Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => accessToken },
    baseUrl: emulator.baseUrl,
    defaultVersion: 'beta',
    // The SDK sends the token only to Graph's hosts unless told otherwise.
    customHosts: new Set([new URL(emulator.baseUrl).hostname]),
    fetchOptions: { dispatcher: agent } as RequestInit,
  });
});
afterAll(async () => {
  await agent?.close();
  await emulator?.close();
});

test('the page iterator walks every page of a collection', async () => {
  const first = await client.api('/deviceManagement/deviceConfigurations').get();
  expect(first['@odata.nextLink']).toEqual(expect.stringContaining('$skiptoken='));
  const ids: string[] = [];
  const iterator = new PageIterator(client, first, (item: Json) => {
    ids.push(String(item.id));
    return true;
  });
  await iterator.iterate();
  expect(ids).toHaveLength(tenantCounts.deviceConfiguration ?? -1);
  expect(new Set(ids).size).toBe(ids.length);
});

test('expansions Graph allows are inlined; one it refuses is a GraphError 400', async () => {
  const page = await client
    .api('/deviceManagement/deviceCompliancePolicies')
    .expand('assignments')
    .top(5)
    .get();
  expect((page.value as Json[]).every((policy) => Array.isArray(policy.assignments))).toBe(true);
  const [script] = (await client.api('/deviceManagement/deviceShellScripts').top(1).get()).value as Json[];
  const withAssignments = await client
    .api(`/deviceManagement/deviceShellScripts/${script?.id}`)
    .expand('assignments')
    .get();
  expect(Array.isArray(withAssignments.assignments)).toBe(true);

  const refused = await client
    .api(`/deviceManagement/deviceShellScripts/${script?.id}/assignments`)
    .get()
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(GraphError);
  expect(refused).toMatchObject({ statusCode: 400, code: 'BadRequest' });
  expect((refused as GraphError).requestId).toEqual(expect.any(String));
});

test("a missing object is a GraphError 404 with Graph's code", async () => {
  const missing = await client
    .api(`/deviceManagement/deviceConfigurations/${randomUUID()}`)
    .get()
    .catch((error: unknown) => error);
  expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
});

test('the batch helpers send a $batch and read each answer', async () => {
  const content = new BatchRequestContent();
  const base = emulator.baseUrl;
  const ids = [
    content.addRequest({ id: '1', request: new Request(`${base}/beta/deviceManagement/roleScopeTags`) }),
    content.addRequest({
      id: '2',
      request: new Request(`${base}/beta/deviceManagement/deviceConfigurations?$top=2`),
    }),
    content.addRequest({ id: '3', request: new Request(`${base}/beta/deviceManagement/nothingHere`) }),
  ];
  expect(ids).toEqual(['1', '2', '3']);
  const answer = new BatchResponseContent(await client.api('/$batch').post(await content.getContent()));
  const listed = async (id: string) => {
    const response = answer.getResponseById(id);
    expect(response?.status).toBe(200);
    return ((await response?.json()) as { value: Json[] } | undefined)?.value;
  };
  expect((await listed('1'))?.length).toBe(tenantCounts.scopeTags);
  expect(await listed('2')).toHaveLength(2);
  expect(answer.getResponseById('3')?.status).toBe(404);
});

test('$select, $filter and $count as the SDK sends them', async () => {
  const all = (await client.api('/deviceManagement/roleScopeTags').get()).value as Json[];
  const target = all[0];
  const selected = await client.api('/deviceManagement/roleScopeTags').select(['displayName']).get();
  // Only the selected properties, besides the id (and the type annotation where the object has one).
  const keys = Object.keys((selected.value as Json[])[0] ?? {}).filter((key) => key !== '@odata.type');
  expect(keys.sort()).toEqual(['displayName', 'id']);
  const filtered = await client
    .api('/deviceManagement/roleScopeTags')
    .filter(`displayName eq '${String(target?.displayName).replaceAll("'", "''")}'`)
    .count(true)
    .get();
  expect((filtered.value as Json[]).map((tag) => tag.id)).toContain(target?.id);
  expect(filtered['@odata.count']).toBe((filtered.value as Json[]).length);
  const refused = await client
    .api('/deviceManagement/roleScopeTags')
    .filter("startswith(description, 'x')")
    .get()
    .catch((error: unknown) => error);
  expect(refused).toMatchObject({ statusCode: 400 });
});

test('assignment groups resolve through directoryObjects/getByIds, directly and in a batch', async () => {
  const page = await client.api('/deviceManagement/deviceConfigurations').expand('assignments').top(50).get();
  const groupIds = [
    ...new Set(
      (page.value as { assignments: { target: { groupId?: string } }[] }[]).flatMap((policy) =>
        policy.assignments.flatMap((a) => (a.target.groupId ? [a.target.groupId] : [])),
      ),
    ),
  ];
  expect(groupIds.length).toBeGreaterThan(0);
  const resolved = await client.api('/directoryObjects/getByIds').post({ ids: groupIds, types: ['group'] });
  expect((resolved.value as Json[]).map((group) => group.id).sort()).toEqual([...groupIds].sort());
  expect((resolved.value as Json[]).every((group) => group['@odata.type'] === '#microsoft.graph.group')).toBe(
    true,
  );

  const content = new BatchRequestContent();
  content.addRequest({
    id: 'groups',
    request: new Request(`${emulator.baseUrl}/beta/directoryObjects/getByIds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: groupIds.slice(0, 3), types: ['group'] }),
    }),
  });
  const answer = new BatchResponseContent(await client.api('/$batch').post(await content.getContent()));
  const groups = answer.getResponseById('groups');
  expect(groups?.status).toBe(200);
  expect(((await groups?.json()) as { value: Json[] } | undefined)?.value).toHaveLength(
    Math.min(3, groupIds.length),
  );
});
