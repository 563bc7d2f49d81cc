// The Graph emulator over HTTPS, in-process (no PostgreSQL or Temporal): every registry endpoint
// of a generated tenant, Graph's paging, $batch, faults, mutations and the admin API.
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { Agent, fetch } from 'undici';
import { ENTITY_SETS } from '../../src/emulator/graphSurface';
import { type GraphEmulator, startGraphEmulator } from '../../src/emulator/server';
import {
  type PolicyExpansion,
  POLICY_TYPE_KEYS,
  POLICY_TYPES,
  type PolicyTypeKey,
} from '../../src/graph/policyTypes';
import { requestEmulatorToken } from '../support/emulatorToken';

type Json = Record<string, unknown>;
interface Tenant {
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
}

let emulator: GraphEmulator;
let agent: Agent;

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  agent = new Agent({ connect: { ca: emulator.caPem } });
});
afterAll(async () => {
  await agent?.close();
  await emulator?.close();
});

const newTenant = (): Tenant => ({
  azureTenantId: randomUUID(),
  clientId: randomUUID(),
  clientSecret: `s-${randomUUID()}`,
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(path.startsWith('https://') ? path : `${emulator.baseUrl}${path}`, {
    method,
    dispatcher: agent,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as Json,
  };
}

async function createTenant(policies: number, extra: Json = {}, azureTenantId?: string): Promise<Tenant> {
  const tenant = { ...newTenant(), ...(azureTenantId ? { azureTenantId } : {}) };
  const created = await call('POST', '/_emulator/tenants', { ...tenant, policies, ...extra });
  expect(created.status).toBe(201);
  expect(created.body.total).toBe(policies);
  return tenant;
}

function tokenFor(tenant: Tenant, secret = tenant.clientSecret) {
  return requestEmulatorToken(emulator.baseUrl, agent, tenant, secret);
}

async function graph(token: string, pathOrUrl: string) {
  return call('GET', pathOrUrl, undefined, { authorization: `Bearer ${token}` });
}

/** Every page of a list, asserting Graph's paging shape on the way. */
async function pages(token: string, first: string): Promise<Json[][]> {
  const result: Json[][] = [];
  for (let url: string | undefined = first; url; ) {
    const page = await graph(token, url);
    if (page.status !== 200)
      throw new Error(`GET ${url} answered ${page.status}: ${JSON.stringify(page.body)}`);
    expect(String(page.body['@odata.context'])).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/(beta|v1\.0)\/\$metadata#/,
    );
    result.push(page.body.value as Json[]);
    url = page.body['@odata.nextLink'] as string | undefined;
    if (url) {
      expect(url.startsWith(`${emulator.baseUrl}/`)).toBe(true);
      expect(new URL(url).searchParams.get('$skiptoken')).toBeTruthy();
    }
  }
  return result;
}

const all = async (token: string, first: string) => (await pages(token, first)).flat();

function expectGraphError(
  response: { status: number; headers: Headers; body: Json },
  status: number,
  code: string,
) {
  expect(response.status).toBe(status);
  const error = response.body.error as { code: string; message: string; innerError: Json };
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  expect(error.innerError).toMatchObject({ 'request-id': response.headers.get('request-id') });
  expect(error.innerError.date).toBeDefined();
  expect(error.innerError['client-request-id']).toBeDefined();
}

describe('a generated tenant over Graph', () => {
  let tenant: Tenant;
  let token: string;
  const PAGE = 7;

  beforeAll(async () => {
    tenant = await createTenant(400, { pageSize: PAGE });
    token = String((await tokenFor(tenant)).body.access_token);
  });

  it('serves every registry type: paged collections whose totals equal the counts', async () => {
    const { body } = await call('GET', `/_emulator/tenants/${tenant.azureTenantId}/counts`);
    const counts = body.counts as Record<PolicyTypeKey, number>;
    expect(Object.keys(counts).sort()).toEqual([...POLICY_TYPE_KEYS].sort());
    expect(body.total).toBe(400);
    for (const key of POLICY_TYPE_KEYS) {
      const def = POLICY_TYPES[key];
      let served = 0;
      for (const collection of def.collections) {
        const query = collection.query ? `?${collection.query}` : '';
        const collectionPages = await pages(token, `/${def.graphVersion}${collection.path}${query}`);
        for (const page of collectionPages) expect(page.length).toBeLessThanOrEqual(PAGE);
        served += collectionPages.flat().length;
      }
      expect({ key, served }).toEqual({ key, served: counts[key] });
      expect(counts[key]).toBeGreaterThan(0);
    }
  });

  it('serves every list and detail expansion of the registry for sampled items', async () => {
    const expand = async (ownerPath: string, owner: Json, step: PolicyExpansion, version: string) => {
      if (step.kind === 'reference') {
        const odataType = String(owner['@odata.type']);
        for (const { name, single } of step.byODataType[odataType] ?? []) {
          const path = `${ownerPath}/${odataType.slice(1)}/${name}`;
          const { status } = await graph(token, `/${version}${path}`);
          // An unset single-valued link is Graph's 404.
          expect({ path, status }).toEqual({ path, status: single && status === 404 ? 404 : 200 });
        }
        return;
      }
      const query = step.query ? `?${step.query}` : '';
      if (step.kind === 'detail') {
        const path = step.entitySet ? `${step.entitySet}/${owner.id}` : ownerPath;
        const detail = await graph(token, `/${version}${path}${query}`);
        expect({ path, status: detail.status }).toEqual({ path, status: 200 });
        expect(detail.body.id).toBe(owner.id);
        return;
      }
      if (step.forODataTypes && !step.forODataTypes.includes(String(owner['@odata.type']))) return;
      const path = `${ownerPath}${step.path}`;
      for (const element of await all(token, `/${version}${path}${query}`)) {
        for (const nested of step.each ?? []) await expand(`${path}/${element.id}`, element, nested, version);
      }
    };
    for (const key of POLICY_TYPE_KEYS) {
      const def = POLICY_TYPES[key];
      for (const collection of def.collections) {
        const items = (await all(token, `/${def.graphVersion}${collection.path}`)).slice(0, 3);
        for (const item of items) {
          for (const expansion of collection.expansions ?? def.expansions)
            await expand(`${collection.path}/${item.id}`, item, expansion, def.graphVersion);
        }
      }
    }
  });

  it('leaves script content out of collections and serves it on the item', async () => {
    const [script] = await all(token, '/beta/deviceManagement/deviceManagementScripts');
    expect(script?.scriptContent).toBeUndefined();
    const detail = await graph(token, `/beta/deviceManagement/deviceManagementScripts/${script?.id}`);
    expect(Buffer.from(String(detail.body.scriptContent), 'base64').toString('utf8')).toContain(
      'Set-ItemProperty',
    );
    const [remediation] = await all(token, '/beta/deviceManagement/deviceHealthScripts');
    const remediationDetail = await graph(
      token,
      `/beta/deviceManagement/deviceHealthScripts/${remediation?.id}`,
    );
    expect(remediationDetail.body.detectionScriptContent).toEqual(expect.any(String));
  });

  it('inlines navigation properties only when $expand-ed', async () => {
    const plain = await all(token, '/beta/deviceManagement/deviceCompliancePolicies');
    expect(plain.every((p) => !('scheduledActionsForRule' in p))).toBe(true);
    const expanded = await all(
      token,
      '/beta/deviceManagement/deviceCompliancePolicies?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)',
    );
    expect(expanded.every((p) => Array.isArray(p.scheduledActionsForRule))).toBe(true);

    const [template] = await all(token, '/beta/deviceManagement/groupPolicyConfigurations');
    const base = `/beta/deviceManagement/groupPolicyConfigurations/${template?.id}/definitionValues`;
    const values = await all(token, `${base}?$expand=definition`);
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => typeof (v.definition as Json).displayName === 'string')).toBe(true);
    expect((await all(token, base)).every((v) => !('definition' in v))).toBe(true);
    const withPresentation = values.find(
      (v) => (v.definition as Json).displayName !== 'Prevent access to registry editing tools',
    );
    if (withPresentation) {
      const presentations = await all(
        token,
        `${base}/${withPresentation.id}/presentationValues?$expand=presentation`,
      );
      for (const p of presentations)
        expect((p.presentation as Json)['@odata.type']).toMatch(/groupPolicyPresentation/);
    }
    expectGraphError(
      await graph(token, '/beta/deviceManagement/deviceConfigurations?$expand=nonsense'),
      400,
      'BadRequest',
    );
  });

  it('refuses what Graph refuses: shell script assignments as a path, the targeted cast on Windows MAM', async () => {
    const [script] = await all(token, '/beta/deviceManagement/deviceShellScripts');
    const noRoute = await graph(token, `/beta/deviceManagement/deviceShellScripts/${script?.id}/assignments`);
    expectGraphError(noRoute, 400, 'BadRequest');
    expect(JSON.stringify(noRoute.body)).toContain('No OData route exists');
    const expanded = await graph(
      token,
      `/beta/deviceManagement/deviceShellScripts/${script?.id}?$expand=assignments`,
    );
    expect(expanded.status).toBe(200);
    expect(Array.isArray(expanded.body.assignments)).toBe(true);
    expect(expanded.body.scriptContent).toEqual(expect.any(String));

    const policies = await all(token, '/beta/deviceAppManagement/managedAppPolicies');
    const types = new Set(policies.map((p) => String(p['@odata.type'])));
    // managedAppPolicies lists app configurations too, and supports no $expand.
    expect(types).toContain('#microsoft.graph.targetedManagedAppConfiguration');
    expectGraphError(
      await graph(token, '/beta/deviceAppManagement/managedAppPolicies?$expand=apps'),
      400,
      'BadRequest',
    );
    const cast = (p: Json | undefined) =>
      `/beta/deviceAppManagement/managedAppPolicies/${p?.id}/microsoft.graph.targetedManagedAppProtection/apps`;
    const windows = policies.find((p) => p['@odata.type'] === '#microsoft.graph.windowsManagedAppProtection');
    const ios = policies.find((p) => p['@odata.type'] === '#microsoft.graph.iosManagedAppProtection');
    expectGraphError(await graph(token, cast(windows)), 400, 'BadRequest');
    expect((await graph(token, cast(ios))).status).toBe(200);
    const windowsCollection = await all(
      token,
      '/beta/deviceAppManagement/windowsManagedAppProtections?$expand=apps,assignments',
    );
    expect(windowsCollection.map((p) => p.id)).toContain(windows?.id);
    expect(windowsCollection.every((p) => Array.isArray(p.apps) && Array.isArray(p.assignments))).toBe(true);
  });

  it('refuses custom attribute script assignments as a path and $expand on the policy set list', async () => {
    const [script] = await all(token, '/beta/deviceManagement/deviceCustomAttributeShellScripts');
    expect(script?.scriptContent).toBeUndefined();
    const scriptPath = `/beta/deviceManagement/deviceCustomAttributeShellScripts/${script?.id}`;
    expectGraphError(await graph(token, `${scriptPath}/assignments`), 400, 'BadRequest');
    const expanded = await graph(token, `${scriptPath}?$expand=assignments`);
    expect(expanded.body).toMatchObject({
      assignments: expect.any(Array),
      scriptContent: expect.any(String),
    });

    const sets = '/beta/deviceAppManagement/policySets';
    expectGraphError(await graph(token, `${sets}?$expand=items`), 400, 'BadRequest');
    const [set] = await all(token, sets);
    const full = await graph(token, `${sets}/${set?.id}?$expand=assignments,items`);
    expect(full.body).toMatchObject({ assignments: expect.any(Array), items: expect.any(Array) });
  });

  it('serves role assignments as the base type under a definition and in full from their own set', async () => {
    const definitions = await all(token, '/beta/deviceManagement/roleDefinitions');
    let checked = 0;
    for (const definition of definitions) {
      for (const listed of await all(
        token,
        `/beta/deviceManagement/roleDefinitions/${definition.id}/roleAssignments`,
      )) {
        expect(listed.members).toBeUndefined();
        expect(listed.roleScopeTagIds).toBeUndefined();
        const full = await graph(token, `/beta/deviceManagement/roleAssignments/${listed.id}`);
        expect(full.body.members).toEqual(expect.any(Array));
        expect(full.body.roleScopeTagIds).toEqual(expect.any(Array));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('answers unknown paths and ids with Graph errors and a request-id header', async () => {
    expectGraphError(await graph(token, '/beta/deviceManagement/noSuchThing'), 404, 'ResourceNotFound');
    expectGraphError(
      await graph(token, `/beta/deviceManagement/deviceConfigurations/${randomUUID()}`),
      404,
      'ResourceNotFound',
    );
    // configurationPolicies is beta-only on Graph.
    expectGraphError(
      await graph(token, '/v1.0/deviceManagement/configurationPolicies'),
      404,
      'ResourceNotFound',
    );
    expect((await graph(token, '/v1.0/deviceManagement/deviceConfigurations')).status).toBe(200);
  });

  it('honours $top and pages with opaque skip tokens', async () => {
    const first = await graph(token, '/beta/deviceManagement/deviceConfigurations?$top=3');
    expect((first.body.value as Json[]).length).toBe(3);
    const next = String(first.body['@odata.nextLink']);
    expect(new URL(next).searchParams.get('$top')).toBe('3');
    expectGraphError(
      await graph(token, '/beta/deviceManagement/deviceConfigurations?$skiptoken=garbage'),
      400,
      'BadRequest',
    );
  });
});

describe('settings catalog paging', () => {
  it('serves /settings 25 per page by default, and completely', async () => {
    const tenant = await createTenant(300);
    const token = String((await tokenFor(tenant)).body.access_token);
    const policies = await all(token, '/beta/deviceManagement/configurationPolicies');
    const largest = policies.reduce((a, b) => (Number(b.settingCount) > Number(a.settingCount) ? b : a));
    expect(Number(largest.settingCount)).toBeGreaterThan(100);
    const settingPages = await pages(
      token,
      `/beta/deviceManagement/configurationPolicies/${largest.id}/settings`,
    );
    expect(settingPages.slice(0, -1).every((page) => page.length === 25)).toBe(true);
    expect(settingPages.flat()).toHaveLength(Number(largest.settingCount));
    // The collection itself uses the server's default page size (100).
    expect((await graph(token, '/beta/deviceManagement/configurationPolicies')).body.value).toHaveLength(
      Math.min(100, policies.length),
    );
  });
});

describe('$batch', () => {
  let tenant: Tenant;
  let token: string;
  beforeAll(async () => {
    tenant = await createTenant(100);
    token = String((await tokenFor(tenant)).body.access_token);
  });
  const batch = (requests: unknown[]) =>
    call('POST', '/beta/$batch', { requests }, { authorization: `Bearer ${token}` });

  it('answers up to 20 sub-requests, each with id, status, headers and body', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url:
        i === 19 ? '/deviceManagement/nothingHere' : `/deviceManagement/deviceConfigurations?$top=${i + 1}`,
    }));
    const response = await batch(requests);
    expect(response.status).toBe(200);
    const responses = response.body.responses as { id: string; status: number; headers: Json; body: Json }[];
    expect(responses.map((r) => r.id)).toEqual(requests.map((r) => r.id));
    expect(responses[0]?.status).toBe(200);
    expect(responses[0]?.body.value).toHaveLength(1);
    expect(responses[0]?.headers['Content-Type']).toMatch(/json/);
    expect(responses[19]).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
  });

  it('refuses more than 20 requests with 400', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: '/deviceManagement/deviceConfigurations',
    }));
    expectGraphError(await batch(requests), 400, 'BadRequest');
  });

  it('applies faults per sub-request', async () => {
    await call('PUT', `/_emulator/tenants/${tenant.azureTenantId}/faults`, {
      forbiddenTypes: ['powershellScripts'],
    });
    const response = await batch([
      { id: 'a', method: 'GET', url: '/deviceManagement/deviceManagementScripts' },
      { id: 'b', method: 'GET', url: '/deviceManagement/deviceConfigurations' },
    ]);
    const [a, b] = response.body.responses as { status: number }[];
    expect(a?.status).toBe(403);
    expect(b?.status).toBe(200);
    await call('PUT', `/_emulator/tenants/${tenant.azureTenantId}/faults`, {});
  });
});

describe('faults', () => {
  let tenant: Tenant;
  let token: string;
  const faults = (body: Json) => call('PUT', `/_emulator/tenants/${tenant.azureTenantId}/faults`, body);
  beforeEach(async () => {
    tenant = await createTenant(200, { pageSize: 10 });
    token = String((await tokenFor(tenant)).body.access_token);
  });

  it('rate429 throttles that share of requests with Retry-After, and stats count them', async () => {
    await call('POST', `/_emulator/tenants/${tenant.azureTenantId}/stats/reset`);
    expect((await faults({ rate429: 0.5, retryAfterSeconds: 7 })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const response = await graph(token, '/beta/deviceManagement/assignmentFilters');
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get('retry-after')).toBe('7');
        expectGraphError(response, 429, 'TooManyRequests');
      }
    }
    const throttled = statuses.filter((s) => s === 429).length;
    expect(throttled).toBeGreaterThan(15);
    expect(throttled).toBeLessThan(45);
    // The token endpoint is never throttled.
    expect((await tokenFor(tenant)).status).toBe(200);
    const stats = (await call('GET', `/_emulator/tenants/${tenant.azureTenantId}/stats`)).body;
    expect(stats).toMatchObject({ total: 60, byStatus: { '429': throttled, '200': 60 - throttled } });
  });

  it('rate5xx answers 503 with Retry-After or 504', async () => {
    await faults({ rate5xx: 1 });
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const response = await graph(token, '/beta/deviceManagement/assignmentFilters');
      seen.add(response.status);
      if (response.status === 503) expect(response.headers.get('retry-after')).toBe('1');
    }
    expect([...seen].sort()).toEqual([503, 504]);
    await faults({});
    expect((await graph(token, '/beta/deviceManagement/assignmentFilters')).status).toBe(200);
  });

  it('forbiddenTypes answers 403 on the collection and everything below it', async () => {
    const [script] = await all(token, '/beta/deviceManagement/deviceManagementScripts');
    await faults({ forbiddenTypes: ['powershellScripts'] });
    expectGraphError(await graph(token, '/beta/deviceManagement/deviceManagementScripts'), 403, 'Forbidden');
    expectGraphError(
      await graph(token, `/beta/deviceManagement/deviceManagementScripts/${script?.id}`),
      403,
      'Forbidden',
    );
    expectGraphError(
      await graph(token, `/beta/deviceManagement/deviceManagementScripts/${script?.id}/assignments`),
      403,
      'Forbidden',
    );
    expect((await graph(token, '/beta/deviceManagement/deviceShellScripts')).status).toBe(200);
  });

  it('brokenNextLinkTypes serves a first page whose next link answers 400', async () => {
    await faults({ brokenNextLinkTypes: ['deviceConfiguration'] });
    const first = await graph(token, '/beta/deviceManagement/deviceConfigurations');
    expect(first.status).toBe(200);
    const next = await graph(token, String(first.body['@odata.nextLink']));
    expectGraphError(next, 400, 'BadRequest');
    expect((next.body.error as Json).message).toMatch(/skip token is invalid or has expired/);
    const other = await graph(token, '/beta/deviceManagement/deviceCompliancePolicies');
    expect(other.body['@odata.nextLink']).toBeDefined();
    expect((await graph(token, String(other.body['@odata.nextLink']))).status).toBe(200);
  });

  it('revokeSecret fails the token endpoint like a wrong secret and rejects issued tokens', async () => {
    await faults({ revokeSecret: true });
    const refused = await tokenFor(tenant);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(String(refused.body.error_description)).toMatch(/^AADSTS7000215: Invalid client secret provided/);
    for (const field of ['timestamp', 'trace_id', 'correlation_id'])
      expect(refused.body[field]).toEqual(expect.any(String));
    expectGraphError(
      await graph(token, '/beta/deviceManagement/assignmentFilters'),
      401,
      'InvalidAuthenticationToken',
    );
    await faults({});
    const fresh = String((await tokenFor(tenant)).body.access_token);
    expect((await graph(fresh, '/beta/deviceManagement/assignmentFilters')).status).toBe(200);
  });

  it('requestBudget answers the request past the window 429 with Retry-After; $batch counts per sub-request', async () => {
    await call('POST', `/_emulator/tenants/${tenant.azureTenantId}/stats/reset`);
    await faults({ requestBudget: { requests: 5, windowMs: 1_500 } });
    const filters = '/deviceManagement/assignmentFilters';
    const batched = await call(
      'POST',
      '/beta/$batch',
      { requests: ['a', 'b', 'c'].map((id) => ({ id, method: 'GET', url: filters })) },
      { authorization: `Bearer ${token}` },
    );
    expect((batched.body.responses as { status: number }[]).map((r) => r.status)).toEqual([200, 200, 200]);
    const served = [await graph(token, `/beta${filters}`), await graph(token, `/beta${filters}`)];
    expect(served.map((r) => r.status)).toEqual([200, 200]);
    const refused = await graph(token, `/beta${filters}`);
    expectGraphError(refused, 429, 'TooManyRequests');
    expect([1, 2]).toContain(Number(refused.headers.get('retry-after')));
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    // The refused request took no slot: a whole window's worth is served again.
    const after = [];
    for (let i = 0; i < 5; i++) after.push((await graph(token, `/beta${filters}`)).status);
    expect(after).toEqual([200, 200, 200, 200, 200]);
    const stats = (await call('GET', `/_emulator/tenants/${tenant.azureTenantId}/stats`)).body;
    expect(stats).toMatchObject({ total: 11, byStatus: { '200': 10, '429': 1 } });
  });

  it('latencyMs delays Graph responses', async () => {
    await faults({ latencyMs: 300 });
    const started = performance.now();
    await graph(token, '/beta/deviceManagement/assignmentFilters');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('validates fault settings and offers them in-process too', async () => {
    expect((await faults({ rate429: 2 })).status).toBe(400);
    expect((await faults({ forbiddenTypes: ['nope'] })).status).toBe(400);
    expect((await faults({ surprise: true })).status).toBe(400);
    emulator.setFaults(tenant.azureTenantId, { forbiddenTypes: ['namedLocations'] });
    expect((await graph(token, '/v1.0/identity/conditionalAccess/namedLocations')).status).toBe(403);
    emulator.setFaults(tenant.azureTenantId, {});
    expect((await graph(token, '/v1.0/identity/conditionalAccess/namedLocations')).status).toBe(200);
  });
});

describe('authentication', () => {
  it("rejects missing and unknown tokens, and wrong secrets, in the real services' shapes", async () => {
    const tenant = await createTenant(50);
    expectGraphError(
      await call('GET', '/beta/deviceManagement/deviceConfigurations'),
      401,
      'InvalidAuthenticationToken',
    );
    expectGraphError(
      await graph('emu.not-a-token', '/beta/deviceManagement/deviceConfigurations'),
      401,
      'InvalidAuthenticationToken',
    );
    const wrong = await tokenFor(tenant, 'wrong-secret');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });
});

describe('admin API', () => {
  it('creates tenants with validation and a 409 for duplicates', async () => {
    const tenant = newTenant();
    expect((await call('POST', '/_emulator/tenants', { ...tenant, policies: 10 })).status).toBe(400);
    expect((await call('POST', '/_emulator/tenants', { ...tenant, policies: 10_001 })).status).toBe(400);
    expect(
      (await call('POST', '/_emulator/tenants', { ...tenant, azureTenantId: 'x', policies: 60 })).status,
    ).toBe(400);
    expect((await call('POST', '/_emulator/tenants', '{not json')).status).toBe(400);
    const created = await call('POST', '/_emulator/tenants', { ...tenant, policies: 60 });
    expect(created.status).toBe(201);
    expect(created.body.counts).toEqual(
      (await call('GET', `/_emulator/tenants/${tenant.azureTenantId}/counts`)).body.counts,
    );
    expect((await call('POST', '/_emulator/tenants', { ...tenant, policies: 60 })).status).toBe(409);
    expect((await call('GET', `/_emulator/tenants/${randomUUID()}/counts`)).status).toBe(404);
  });

  it('mutates exactly as asked and Graph serves the result', async () => {
    const tenant = await createTenant(120);
    const token = String((await tokenFor(tenant)).body.access_token);
    const before = (await call('GET', `/_emulator/tenants/${tenant.azureTenantId}/counts`)).body
      .counts as Record<string, number>;
    const oldList = await all(token, '/beta/deviceManagement/deviceConfigurations');
    const response = await call('POST', `/_emulator/tenants/${tenant.azureTenantId}/mutate`, {
      add: 4,
      modify: 3,
      remove: 2,
      types: ['deviceConfiguration'],
    });
    expect(response.status).toBe(200);
    const { added, modified, removed } = response.body as Record<string, Record<string, string[]>>;
    expect(added?.deviceConfiguration).toHaveLength(4);
    expect(modified?.deviceConfiguration).toHaveLength(3);
    expect(removed?.deviceConfiguration).toHaveLength(2);
    const after = (await call('GET', `/_emulator/tenants/${tenant.azureTenantId}/counts`)).body
      .counts as Record<string, number>;
    expect(after.deviceConfiguration).toBe((before.deviceConfiguration ?? 0) + 2);
    const newList = await all(token, '/beta/deviceManagement/deviceConfigurations');
    expect(newList).toHaveLength(after.deviceConfiguration ?? -1);
    const ids = new Set(newList.map((p) => p.id));
    for (const id of removed?.deviceConfiguration ?? []) expect(ids.has(id)).toBe(false);
    for (const id of added?.deviceConfiguration ?? []) expect(ids.has(id)).toBe(true);
    for (const id of modified?.deviceConfiguration ?? []) {
      const was = oldList.find((p) => p.id === id);
      const now = newList.find((p) => p.id === id);
      expect(now?.lastModifiedDateTime).not.toBe(was?.lastModifiedDateTime);
    }
    expect(
      (await call('POST', `/_emulator/tenants/${tenant.azureTenantId}/mutate`, { remove: 1_000 })).status,
    ).toBe(400);

    const inProcess = emulator.mutate(tenant.azureTenantId, { add: 2 });
    expect(Object.values(inProcess.added).flat()).toHaveLength(2);
  });

  it('serves the demo tenant with its hand-written policies, plus extras for the other types', async () => {
    const demo = await call('POST', '/_emulator/demo-tenant', { extrasPerType: 1 });
    expect([200, 201]).toContain(demo.status);
    const counts = demo.body.counts as Record<PolicyTypeKey, number>;
    expect(counts).toMatchObject({
      deviceConfiguration: 6,
      settingsCatalog: 4,
      compliance: 3,
      notificationTemplates: 1,
      namedLocations: 1,
    });
    // The 14 hand-written objects, and one extra of each of the other types.
    expect(demo.body.total).toBe(14 + POLICY_TYPE_KEYS.length - 4);
  });

  it('answers non-loopback clients with 403', async () => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((info) => info && info.family === 'IPv4' && !info.internal)?.address;
    if (address === undefined) return; // no non-loopback interface on this machine
    const wide = await startGraphEmulator({ host: '0.0.0.0' });
    const port = new URL(wide.baseUrl).port;
    const remoteAgent = new Agent({ connect: { ca: wide.caPem, checkServerIdentity: () => undefined } });
    try {
      const response = await fetch(`https://${address}:${port}/_emulator/tenants`, {
        method: 'POST',
        dispatcher: remoteAgent,
        body: JSON.stringify({ ...newTenant(), policies: 50 }),
      });
      expect(response.status).toBe(403);
      const local = await fetch(`${wide.baseUrl}/_emulator/tenants/${randomUUID()}/counts`, {
        dispatcher: new Agent({ connect: { ca: wide.caPem } }),
      });
      expect(local.status).toBe(404);
    } finally {
      await remoteAgent.close();
      await wide.close();
    }
  });
});

describe("a generated tenant's directory", () => {
  let tenant: Tenant;
  let token: string;

  beforeAll(async () => {
    tenant = await createTenant(300, { pageSize: 50 });
    token = String((await tokenFor(tenant)).body.access_token);
  });

  const post = (path: string, body: unknown) =>
    call('POST', path, body, { authorization: `Bearer ${token}` });

  it('serves groups paged and by id, with types, dynamic rules and on-premises sync', async () => {
    const groups = await all(token, '/v1.0/groups');
    expect(groups.length).toBe(120);
    expect(new Set(groups.map((g) => g.id)).size).toBe(120);
    const dynamic = groups.filter((g) => (g.groupTypes as string[]).includes('DynamicMembership'));
    expect(dynamic.length).toBeGreaterThan(0);
    for (const group of dynamic) {
      expect(group.membershipRule).toEqual(expect.any(String));
      expect(group.membershipRuleProcessingState).toMatch(/^(On|Paused)$/);
    }
    expect(groups.some((g) => (g.groupTypes as string[]).includes('Unified'))).toBe(true);
    expect(groups.some((g) => g.onPremisesSyncEnabled === true)).toBe(true);
    const one = await graph(token, `/beta/groups/${String(groups[3]?.id)}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: groups[3]?.id, displayName: groups[3]?.displayName });
    expectGraphError(await graph(token, `/beta/groups/${randomUUID()}`), 404, 'ResourceNotFound');
  });

  it('resolves ids with getByIds: found ones typed, unknown ones absent, types honoured', async () => {
    const first = async (path: string) => ((await graph(token, `${path}?$top=1`)).body.value as Json[])[0];
    const [group, user, sp] = [
      await first('/beta/groups'),
      await first('/beta/users'),
      await first('/beta/servicePrincipals'),
    ];
    const ids = [group?.id, user?.id, sp?.id, randomUUID()];
    const found = await post('/beta/directoryObjects/getByIds', { ids });
    expect(found.status).toBe(200);
    expect(found.body['@odata.context']).toMatch(/\/beta\/\$metadata#directoryObjects$/);
    expect((found.body.value as Json[]).map((o) => [o['@odata.type'], o.id])).toEqual([
      ['#microsoft.graph.group', group?.id],
      ['#microsoft.graph.user', user?.id],
      ['#microsoft.graph.servicePrincipal', sp?.id],
    ]);
    const groupsOnly = await post('/v1.0/directoryObjects/getByIds', { ids, types: ['Group', 'device'] });
    expect((groupsOnly.body.value as Json[]).map((o) => o.id)).toEqual([group?.id]);
    const limit = Array.from({ length: 1000 }, () => randomUUID());
    expect((await post('/beta/directoryObjects/getByIds', { ids: limit })).status).toBe(200);
    const over = await post('/beta/directoryObjects/getByIds', { ids: [...limit, randomUUID()] });
    expectGraphError(over, 400, 'Request_BadRequest');
    expectGraphError(await post('/beta/directoryObjects/getByIds', { ids: 'x' }), 400, 'Request_BadRequest');
    expect((await graph(token, '/beta/directoryObjects/getByIds')).status).toBe(405);
    expect((await post('/beta/groups', { displayName: 'x' })).status).toBe(405);
  });

  it('serves mobile apps by id, templates with categories and setting definitions, empty Intune sets', async () => {
    const apps = await all(token, '/v1.0/deviceAppManagement/mobileApps');
    expect(apps.length).toBe(30);
    const types = new Set(apps.map((app) => app['@odata.type']));
    for (const type of ['win32LobApp', 'iosStoreApp', 'androidManagedStoreApp', 'officeSuiteApp', 'webApp'])
      expect(types).toContain(`#microsoft.graph.${type}`);
    const app = await graph(token, `/beta/deviceAppManagement/mobileApps/${String(apps[2]?.id)}`);
    expect(app.body).toMatchObject({ id: apps[2]?.id, publisher: expect.any(String) });
    const [template] = (await graph(token, '/beta/deviceManagement/templates')).body.value as Json[];
    const categories = await all(
      token,
      `/beta/deviceManagement/templates/${String(template?.id)}/categories`,
    );
    expect(categories.length).toBeGreaterThan(0);
    const definitions = await all(
      token,
      `/beta/deviceManagement/templates/${String(template?.id)}/categories/${String(categories[0]?.id)}/settingDefinitions`,
    );
    expect(definitions.length).toBeGreaterThan(0);
    expect((await graph(token, '/v1.0/deviceManagement/templates')).status).toBe(404);
    for (const path of [
      'reusablePolicySettings',
      'termsAndConditions',
      'intuneBrandingProfiles',
      'deviceCategories',
    ])
      expect((await graph(token, `/beta/deviceManagement/${path}`)).body.value).toEqual([]);
  });

  it('answers getByIds with 403 without Directory.Read.All, while Group.Read.All still reads groups', async () => {
    const grants = await call('PUT', `/_emulator/tenants/${tenant.azureTenantId}/grants`, {
      permissions: ['Group.Read.All'],
    });
    expect(grants.status).toBe(200);
    try {
      expectGraphError(await post('/beta/directoryObjects/getByIds', { ids: [] }), 403, 'Forbidden');
      expect((await graph(token, '/beta/groups?$top=1')).status).toBe(200);
      expectGraphError(await graph(token, '/beta/users?$top=1'), 403, 'Forbidden');
    } finally {
      await call('PUT', `/_emulator/tenants/${tenant.azureTenantId}/grants`, {
        permissions: ['Directory.Read.All', 'DeviceManagementConfiguration.Read.All'],
      });
    }
  });
});

describe('referential integrity of a generated tenant', () => {
  let token: string;
  const refs = new Map<string, Set<string>>();
  const note = (kind: string, value: unknown) => {
    if (typeof value !== 'string' || value === '') return;
    if (!refs.has(kind)) refs.set(kind, new Set());
    refs.get(kind)?.add(value);
  };
  const SPECIAL = new Set(['All', 'AllTrusted', 'None', 'GuestsOrExternalUsers']);
  // Where each kind of reference sits in Graph's payloads.
  const KEYS: Record<string, string> = {
    groupId: 'groups',
    includeGroups: 'groups',
    excludeGroups: 'groups',
    members: 'groups',
    deviceAndAppManagementAssignmentFilterId: 'filters',
    roleScopeTagIds: 'scopeTags',
    notificationTemplateId: 'notificationTemplates',
    targetedMobileApps: 'apps',
    selectedMobileAppIds: 'apps',
    includeLocations: 'namedLocations',
    excludeLocations: 'namedLocations',
    includeUsers: 'users',
    excludeUsers: 'users',
    includeServicePrincipals: 'servicePrincipals',
  };
  function walk(value: unknown): void {
    if (Array.isArray(value)) {
      for (const element of value) walk(element);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const kind = KEYS[key];
      if (kind !== undefined)
        for (const item of Array.isArray(child) ? child : [child]) if (!SPECIAL.has(item)) note(kind, item);
      walk(child);
    }
  }
  const idsOf = async (path: string) => new Set((await all(token, path)).map((o) => String(o.id)));

  beforeAll(async () => {
    // A fixed tenant (its objects derive from its id): a random one referenced no service
    // principal about once in a few hundred runs, and "every kind is used" below failed on it.
    const tenant = await createTenant(600, { pageSize: 100 }, '5b0e4c1e-6f3a-4d2b-9c7e-2a8f1d3e4b5c');
    token = String((await tokenFor(tenant)).body.access_token);
    for (const set of ENTITY_SETS) {
      if (!set.versions.includes('beta') || !set.holds.some((h) => 'type' in h)) continue;
      const assignments = set.navigations.assignments;
      const expand = [
        ...(assignments?.expandOnList === true ? ['assignments'] : []),
        ...(set.navigations.scheduledActionsForRule?.expandOnList === true
          ? ['scheduledActionsForRule($expand=scheduledActionConfigurations)']
          : []),
      ];
      const items = await all(
        token,
        `/beta${set.path}${expand.length ? `?$expand=${expand.join(',')}` : ''}`,
      );
      walk(items);
      if (assignments === undefined || assignments.expandOnList === true) continue;
      for (const item of items) {
        const id = encodeURIComponent(String(item.id));
        walk(
          assignments.routable
            ? await all(token, `/beta${set.path}/${id}/assignments`)
            : (await graph(token, `/beta${set.path}/${id}?$expand=assignments`)).body,
        );
      }
    }
  }, 120_000);

  it('points assignments at groups of the directory, resolvable by getByIds and /groups/{id}', async () => {
    const groups = [...(refs.get('groups') ?? [])];
    expect(groups.length).toBeGreaterThan(20);
    const resolved = await call(
      'POST',
      '/beta/directoryObjects/getByIds',
      { ids: groups, types: ['group'] },
      { authorization: `Bearer ${token}` },
    );
    const found = resolved.body.value as Json[];
    expect(found.map((g) => g.id).sort()).toEqual([...groups].sort());
    for (const group of found) expect(group.displayName).toEqual(expect.any(String));
    expect((await graph(token, `/v1.0/groups/${groups[0]}`)).status).toBe(200);
  });

  it("uses only the tenant's filters, scope tags, notification templates, apps and named locations", async () => {
    const expectWithin = (kind: string, known: Set<string>, extra: string[] = []) => {
      const used = [...(refs.get(kind) ?? [])];
      expect({ kind, used: used.length > 0 }).toEqual({ kind, used: true });
      expect({ kind, unknown: used.filter((id) => !known.has(id) && !extra.includes(id)) }).toEqual({
        kind,
        unknown: [],
      });
    };
    expectWithin('filters', await idsOf('/beta/deviceManagement/assignmentFilters'));
    // "0", the built-in Default scope tag, is listed like the others, as on Graph.
    const tagIds = await idsOf('/beta/deviceManagement/roleScopeTags');
    expect(tagIds).toContain('0');
    expectWithin('scopeTags', tagIds);
    // The zero GUID is Graph's "no message template".
    expectWithin(
      'notificationTemplates',
      await idsOf('/beta/deviceManagement/notificationMessageTemplates'),
      ['00000000-0000-0000-0000-000000000000'],
    );
    expectWithin('apps', await idsOf('/beta/deviceAppManagement/mobileApps'));
    expectWithin('namedLocations', await idsOf('/beta/identity/conditionalAccess/namedLocations'));
    expectWithin('users', await idsOf('/beta/users'));
    expectWithin('servicePrincipals', await idsOf('/beta/servicePrincipals'));
  });
});
