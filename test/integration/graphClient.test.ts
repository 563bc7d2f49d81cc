// Real MSAL and undici against the in-process Graph emulator; needs neither PostgreSQL nor Temporal.
import { DEMO_TENANT, demoTenantSeed } from '../../src/emulator/demoTenant';
import { type GraphEmulator, startGraphEmulator } from '../../src/emulator/server';
import { GraphClientFactory } from '../../src/graph/clientFactory';
import type { GraphTenantCredentials } from '../../src/graph/credentials';
import { GraphAuthError, GraphEndpointRefusedError, GraphRequestError } from '../../src/graph/errors';
import type { FetchedPolicy, GraphClient } from '../../src/graph/graphClient';
import { POLICY_TYPE_KEYS, POLICY_TYPES, type PolicyTypeKey } from '../../src/graph/policyTypes';
import { MAX_ATTEMPTS } from '../../src/graph/retryPolicy';
import { graphEndpointAllowlist } from '../../src/outbound';

const PAGE_SIZE = 2;

async function fetchAll(
  client: GraphClient,
  type: PolicyTypeKey,
): Promise<{ pages: FetchedPolicy[][]; all: FetchedPolicy[] }> {
  const pages: FetchedPolicy[][] = [];
  for await (const page of client.fetchPolicyPages(type)) pages.push(page);
  return { pages, all: pages.flat() };
}

describe('GraphClient against the Graph emulator', () => {
  let emulator: GraphEmulator;
  let factory: GraphClientFactory;
  let creds: GraphTenantCredentials;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ port: 0, tenants: [demoTenantSeed()], pageSize: PAGE_SIZE });
    factory = new GraphClientFactory({
      trustedCaPem: emulator.caPem,
      endpointAllowlist: graphEndpointAllowlist([new URL(emulator.baseUrl).host]),
    });
    creds = {
      azureTenantId: DEMO_TENANT.azureTenantId,
      clientId: DEMO_TENANT.clientId,
      clientSecret: DEMO_TENANT.clientSecret,
      graphBaseUrl: emulator.baseUrl,
      loginBaseUrl: emulator.baseUrl,
    };
  });

  afterAll(async () => {
    await factory.close();
    await emulator.close();
  });

  it('fetches every type completely, page by page, with one token for the process', async () => {
    const seed = demoTenantSeed();
    const first = await factory.forTenant('demo', creds);
    const second = await factory.forTenant('demo', creds);

    for (const [index, type] of POLICY_TYPE_KEYS.entries()) {
      const client = index % 2 === 0 ? first : second;
      const { pages, all } = await fetchAll(client, type);
      expect(all).toHaveLength(emulator.policyCount(DEMO_TENANT.azureTenantId, [type]));
      expect(pages.length).toBe(Math.ceil(all.length / PAGE_SIZE));
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(PAGE_SIZE);

      const seeded = seed.policies[type] ?? [];
      for (const policy of all) {
        const source = seeded.find((candidate) => candidate.object.id === policy.graphId);
        expect(source).toBeDefined();
        // Types the registry reads no assignments of (notification templates) have none to compare.
        if (POLICY_TYPES[type].expansions.some((e) => e.kind === 'list' && e.property === 'assignments'))
          expect(policy.payload.assignments).toEqual(source?.assignments ?? []);
        else expect(policy.payload.assignments).toBeUndefined();
        expect(policy.displayName).toBe(source?.object.displayName ?? source?.object.name);
        expect(policy.lastModified).toEqual(new Date(String(source?.object.lastModifiedDateTime)));
      }
    }
    expect(emulator.tokenRequests(DEMO_TENANT.azureTenantId)).toBe(1);

    // And a later client from the same factory still reuses the cached token.
    await fetchAll(await factory.forTenant('demo', creds), 'deviceConfiguration');
    expect(emulator.tokenRequests(DEMO_TENANT.azureTenantId)).toBe(1);
  });

  it('follows nextLink through sub-collections (settings catalog settings, assignments)', async () => {
    const { all } = await fetchAll(await factory.forTenant('demo', creds), 'settingsCatalog');
    const seeded = demoTenantSeed().policies.settingsCatalog ?? [];
    const large = seeded.filter((p) => (p.settings?.length ?? 0) > PAGE_SIZE);
    expect(large.length).toBeGreaterThan(0);
    for (const source of seeded) {
      const fetched = all.find((p) => p.graphId === source.object.id);
      expect(fetched?.payload.settings).toEqual(source.settings);
      expect(fetched?.displayName).toBe(source.object.name);
    }
    const withManyAssignments = (demoTenantSeed().policies.deviceConfiguration ?? []).find(
      (p) => (p.assignments?.length ?? 0) > PAGE_SIZE,
    );
    expect(withManyAssignments).toBeDefined();
  });

  it('asks Graph for the compliance actions ($expand) and keeps them in the payload', async () => {
    const { all } = await fetchAll(await factory.forTenant('demo', creds), 'compliance');
    for (const policy of all) {
      expect(Array.isArray(policy.payload.scheduledActionsForRule)).toBe(true);
      expect((policy.payload.scheduledActionsForRule as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('refreshes the token once when Graph answers 401, then succeeds', async () => {
    const tenantKey = 'demo-revoked';
    const client = await factory.forTenant(tenantKey, creds);
    await fetchAll(client, 'deviceConfiguration');
    const before = emulator.tokenRequests(DEMO_TENANT.azureTenantId);
    emulator.revokeTokens(DEMO_TENANT.azureTenantId);
    const { all } = await fetchAll(client, 'deviceConfiguration');
    expect(all).toHaveLength(emulator.policyCount(DEMO_TENANT.azureTenantId, ['deviceConfiguration']));
    // One forced refresh (MSAL's cached token was revoked), not one per request.
    expect(emulator.tokenRequests(DEMO_TENANT.azureTenantId)).toBe(before + 1);
  });

  it('retries a throttled request after Retry-After and gives up after MAX_ATTEMPTS', async () => {
    const client = await factory.forTenant('demo', creds);
    emulator.throttleNext(DEMO_TENANT.azureTenantId, 2, 0);
    const { all } = await fetchAll(client, 'compliance');
    expect(all).toHaveLength(emulator.policyCount(DEMO_TENANT.azureTenantId, ['compliance']));

    emulator.throttleNext(DEMO_TENANT.azureTenantId, MAX_ATTEMPTS, 0);
    const error = await fetchAll(client, 'compliance').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error).toMatchObject({
      status: 429,
      graphCode: 'TooManyRequests',
      retryAfterMs: 0,
      path: '/beta/deviceManagement/deviceCompliancePolicies',
      scope: 'collection',
      transient: true,
    });
  });

  it('reports a wrong secret as GraphAuthError without leaking the secret', async () => {
    const wrongSecret = 'wrong-secret-value-7f3a9c';
    const client = await factory.forTenant('demo-wrong-secret', { ...creds, clientSecret: wrongSecret });
    const error = await fetchAll(client, 'deviceConfiguration').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphAuthError);
    const authError = error as GraphAuthError;
    expect(authError.code).toBe('invalid_client');
    expect(authError.message).toContain('AADSTS7000215');
    expect(authError.message).not.toContain(wrongSecret);
    expect(JSON.stringify(authError)).not.toContain(wrongSecret);
    expect(String(authError.stack)).not.toContain(wrongSecret);
  });

  it('reports an unknown tenant as GraphAuthError', async () => {
    const unknownTenant = '00000000-1111-4222-8333-444444444444';
    const client = await factory.forTenant('demo-unknown', { ...creds, azureTenantId: unknownTenant });
    const error = await fetchAll(client, 'compliance').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphAuthError);
    expect((error as GraphAuthError).message).toContain('AADSTS90002');
    expect(emulator.tokenRequests(unknownTenant)).toBe(1);
  });

  it('makes a new MSAL application when the secret changes', async () => {
    const tenantKey = 'demo-rotated';
    const before = emulator.tokenRequests(DEMO_TENANT.azureTenantId);
    await fetchAll(
      await factory.forTenant(tenantKey, { ...creds, clientSecret: 'stale' }),
      'compliance',
    ).catch(() => {});
    await fetchAll(await factory.forTenant(tenantKey, creds), 'compliance');
    expect(emulator.tokenRequests(DEMO_TENANT.azureTenantId)).toBe(before + 2);
  });

  it('refuses endpoints off its allowlist before sending anything', async () => {
    const microsoftOnly = new GraphClientFactory({
      trustedCaPem: emulator.caPem,
      resolveHost: async (host) => {
        throw new Error(`${host} does not resolve in this test`);
      },
    });
    try {
      const tokens = emulator.tokenRequests(DEMO_TENANT.azureTenantId);
      const error = await microsoftOnly.forTenant('demo-unlisted', creds).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphEndpointRefusedError);
      expect(error).toMatchObject({
        field: 'graphBaseUrl',
        unresolved: false,
        message: 'graphBaseUrl refused: 127.0.0.1 is a loopback address',
      });
      // A refusal no retry can change comes before a host that did not resolve (no DNS here).
      const loginOnly = await microsoftOnly
        .forTenant('demo-unlisted', { ...creds, graphBaseUrl: null, loginBaseUrl: 'https://10.0.0.1/' })
        .catch((e: unknown) => e);
      expect(loginOnly).toMatchObject({
        field: 'loginBaseUrl',
        unresolved: false,
        message: 'loginBaseUrl refused: 10.0.0.1 is a private address',
      });
      expect(emulator.tokenRequests(DEMO_TENANT.azureTenantId)).toBe(tokens);
    } finally {
      await microsoftOnly.close();
    }
  });

  it('maps Graph errors to GraphRequestError with the path but no query', async () => {
    const client = await factory.forTenant('demo', creds);
    const error = await client
      .collectAll(client.url('v1.0', '/deviceManagement/configurationPolicies?$top=5'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error).toMatchObject({
      status: 404,
      graphCode: 'ResourceNotFound',
      path: '/v1.0/deviceManagement/configurationPolicies',
    });
  });
});
