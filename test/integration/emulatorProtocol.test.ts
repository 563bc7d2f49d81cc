// The emulator's OData protocol as Graph has it, both ways (what Graph accepts is accepted, what it
// refuses is refused): $batch ids, beta's optional `$`, $select, $filter, $count, Graph type names
// in errors, and certificates that pass strict X.509 verification. In-process, over HTTPS.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch } from 'undici';
import { AUDIT_EVENT_COUNT } from '../../src/emulator/auditEvents';
import { type GraphEmulator, startGraphEmulator } from '../../src/emulator/server';
import { emulatorToken } from '../support/emulatorToken';

type Json = Record<string, unknown>;

let emulator: GraphEmulator;
let agent: Agent;
let tenantId: string;
let token: string;

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url.startsWith('https://') ? url : `${emulator.baseUrl}${url}`, {
    method,
    dispatcher: agent,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

const graph = (url: string) => call('GET', url, undefined, { authorization: `Bearer ${token}` });
const batch = (requests: unknown[]) =>
  call('POST', '/beta/$batch', { requests }, { authorization: `Bearer ${token}` });
const values = (reply: { body: Json }) => reply.body.value as Json[];
const message = (reply: { body: Json }) => (reply.body.error as { message: string }).message;

/** Every page from `first`, each next link checked to keep the request's filter. */
async function all(first: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let url: string | undefined = first; url; ) {
    const page = await graph(url);
    expect(page.status).toBe(200);
    out.push(...values(page));
    url = page.body['@odata.nextLink'] as string | undefined;
    const filter = new URL(`https://x${first}`).searchParams.get('$filter');
    if (url && filter) expect(new URL(url).searchParams.get('$filter')).toBe(filter);
  }
  return out;
}

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  agent = new Agent({ connect: { ca: emulator.caPem } });
  tenantId = randomUUID();
  const tenant = { azureTenantId: tenantId, clientId: randomUUID(), clientSecret: `s-${randomUUID()}` };
  expect((await call('POST', '/_emulator/tenants', { ...tenant, policies: 400 })).status).toBe(201);
  token = await emulatorToken(emulator.baseUrl, agent, tenant);
});
afterAll(async () => {
  await agent?.close();
  await emulator?.close();
});

const CONFIGS = '/deviceManagement/deviceConfigurations';

describe('$batch', () => {
  it('takes numeric ids and answers with string ids', async () => {
    const reply = await batch([
      { id: 1, method: 'GET', url: `${CONFIGS}?$top=1` },
      { id: 2, method: 'GET', url: '/deviceManagement/roleDefinitions?$top=1' },
    ]);
    expect(reply.status).toBe(200);
    const responses = reply.body.responses as { id: unknown; status: number }[];
    expect(responses.map((r) => r.id)).toEqual(['1', '2']);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
  });

  it("refuses ids equal but for case with Graph's message, and counts the refused envelope", async () => {
    await call('POST', `/_emulator/tenants/${tenantId}/stats/reset`);
    const reply = await batch([
      { id: 'a', method: 'GET', url: CONFIGS },
      { id: 'A', method: 'GET', url: CONFIGS },
    ]);
    expect(reply.status).toBe(400);
    expect(message(reply)).toBe('Request Id A has to be unique in a batch.');
    const stats = (await call('GET', `/_emulator/tenants/${tenantId}/stats`)).body;
    expect(stats).toMatchObject({ total: 1, byStatus: { '400': 1 } });
  });
});

describe("beta's optional $ prefix", () => {
  it('reads top, select, filter, count and expand without $ on beta', async () => {
    const page = await graph(`/beta${CONFIGS}?top=2&count=true&select=displayName`);
    expect(values(page)).toHaveLength(2);
    expect(page.body['@odata.count']).toBeGreaterThan(2);
    expect(Object.keys(values(page)[0] ?? {}).sort()).toEqual(['@odata.type', 'displayName', 'id']);
    const next = new URL(String(page.body['@odata.nextLink']));
    expect(next.searchParams.get('$top')).toBe('2');
    expect(values(await graph(next.href))).toHaveLength(2);

    const name = String(values(page)[0]?.displayName);
    const filtered = await graph(`/beta${CONFIGS}?filter=${encodeURIComponent(`displayName eq '${name}'`)}`);
    expect(values(filtered).map((v) => v.displayName)).toContain(name);
    const id = String(values(page)[0]?.id);
    expect((await graph(`/beta${CONFIGS}/${id}?expand=assignments`)).body.assignments).toBeInstanceOf(Array);
  });

  it('leaves bare names to v1.0 as custom parameters, which change nothing', async () => {
    const page = await graph(`/v1.0${CONFIGS}?top=2&select=displayName`);
    expect(values(page).length).toBeGreaterThan(2);
    expect(values(page)[0]).toHaveProperty('createdDateTime');
  });
});

describe('$select', () => {
  it('serves only the selected properties, plus id and @odata.type, on lists and items', async () => {
    const page = await graph(`/v1.0${CONFIGS}?$select=displayName,version&$top=3`);
    expect(page.body['@odata.context']).toMatch(/deviceConfigurations\(displayName,version\)$/);
    for (const item of values(page))
      expect(Object.keys(item).sort()).toEqual(['@odata.type', 'displayName', 'id', 'version']);
    const id = String(values(page)[0]?.id);
    const item = await graph(`/v1.0${CONFIGS}/${id}?$select=DisplayName&$expand=assignments`);
    expect(Object.keys(item.body).sort()).toEqual([
      '@odata.context',
      '@odata.type',
      'assignments',
      'displayName',
      'id',
    ]);
  });

  it("answers Graph's 400 naming the Graph type for an unknown property", async () => {
    const reply = await graph(`/v1.0${CONFIGS}?$select=displayName,nope`);
    expect(reply.status).toBe(400);
    expect(message(reply)).toBe(
      "Could not find a property named 'nope' on type 'microsoft.graph.deviceConfiguration'.",
    );
  });
});

describe('$filter and $count', () => {
  it('filters by displayName, id and isBuiltIn, with and', async () => {
    const [first] = values(await graph(`/v1.0${CONFIGS}?$top=1`));
    const q = (filter: string) => graph(`/v1.0${CONFIGS}?$filter=${encodeURIComponent(filter)}`);
    const byName = values(await q(`displayName eq '${String(first?.displayName).toUpperCase()}'`));
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((v) => v.displayName === first?.displayName)).toBe(true);
    expect(
      values(await q(`(id eq '${String(first?.id)}') and displayName eq '${String(first?.displayName)}'`)),
    ).toEqual([first]);
    expect(values(await q(`id eq '${String(first?.id)}' and displayName eq 'other'`))).toEqual([]);

    const roles = '/v1.0/deviceManagement/roleDefinitions';
    const custom = await graph(`${roles}?$filter=isBuiltIn eq false&$count=true`);
    expect(custom.body['@odata.count']).toBe((await all(roles)).length);
    expect(values(await graph(`${roles}?$filter=isBuiltIn eq true`))).toEqual([]);
  });

  it("refuses what Graph refuses with Graph's 400", async () => {
    const q = (setPath: string, filter: string) => graph(`${setPath}?$filter=${encodeURIComponent(filter)}`);
    for (const filter of [
      "description eq 'x'",
      "displayName ne 'x'",
      "startswith(displayName,'x')",
      "displayName eq 'x' or id eq 'y'",
      "isBuiltIn eq 'false'",
      'displayName eq x',
    ]) {
      const setPath = filter.startsWith('isBuiltIn')
        ? '/v1.0/deviceManagement/roleDefinitions'
        : `/v1.0${CONFIGS}`;
      const reply = await q(setPath, filter);
      expect([filter, reply.status, message(reply)]).toEqual([filter, 400, 'Invalid filter clause']);
    }
    const notAllowed = await q('/beta/deviceManagement/windowsFeatureUpdateProfiles', "displayName eq 'x'");
    expect(notAllowed.status).toBe(400);
    expect(message(notAllowed)).toMatch(
      /^The query specified in the URI is not valid\. Query option 'Filter' is not allowed/,
    );
    expect((await graph(`/v1.0${CONFIGS}?$count=maybe`)).status).toBe(400);
  });

  it('serves audit events since a time, paged with the filter kept, counted after filtering', async () => {
    const events = await all('/v1.0/deviceManagement/auditEvents');
    expect(events).toHaveLength(AUDIT_EVENT_COUNT);
    const since = String(events[200]?.activityDateTime);
    const expected = events.filter((e) => Date.parse(String(e.activityDateTime)) >= Date.parse(since));
    const first = `/v1.0/deviceManagement/auditEvents?$filter=${encodeURIComponent(`activityDateTime ge ${since}`)}&$top=30&$count=true`;
    const page = await graph(first);
    expect(page.body['@odata.count']).toBe(expected.length);
    expect((await all(first)).map((e) => e.id)).toEqual(expected.map((e) => e.id));
    // The same tenant gets the same events; ge needs a time, eq on a time is refused.
    expect((await all('/beta/deviceManagement/auditEvents')).map((e) => e.id)).toEqual(
      events.map((e) => e.id),
    );
    expect(
      (await graph(`/v1.0/deviceManagement/auditEvents?$filter=activityDateTime ge 'yesterday'`)).status,
    ).toBe(400);
    expect(
      (await graph(`/v1.0/deviceManagement/auditEvents?$filter=activityDateTime eq ${since}`)).status,
    ).toBe(400);
  });
});

describe('errors', () => {
  it('name Graph types, never registry keys, for nested expansions', async () => {
    const [first] = values(await graph(`/v1.0${CONFIGS}?$top=1`));
    const reply = await graph(`/v1.0${CONFIGS}/${String(first?.id)}?$expand=assignments($expand=nope)`);
    expect(reply.status).toBe(400);
    expect(message(reply)).toBe(
      "Could not find a property named 'nope' on type 'microsoft.graph.deviceConfigurationAssignment'.",
    );
  });
});

describe('TLS', () => {
  it('passes strict X.509 verification in Python', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'emu-ca-'));
    try {
      const cafile = path.join(dir, 'ca.pem');
      await writeFile(cafile, emulator.caPem);
      const script = [
        'import ssl, sys, urllib.request',
        'ctx = ssl.create_default_context(cafile=sys.argv[1])',
        'ctx.verify_flags |= ssl.VERIFY_X509_STRICT',
        'print(urllib.request.urlopen(sys.argv[2], context=ctx).status)',
      ].join('\n');
      const url = `${emulator.baseUrl}/${tenantId}/v2.0/.well-known/openid-configuration`;
      const { stdout } = await promisify(execFile)('python3', ['-c', script, cafile, url]);
      expect(stdout.trim()).toBe('200');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
