// The emulator's encrypted OMA-URI values, as Graph serves them: "****" in the item, the plain
// text from getOmaSettingPlainTextValue only to an app granted the write permission.
import { ENCRYPTED_PLACEHOLDER } from '../../src/emulator/encryptedValues';
import { type GraphCall, serveCall } from '../../src/emulator/graphApi';
import { TenantStore } from '../../src/emulator/tenantStore';

const POLICY = 'a1b2c3d4-0000-4000-8000-000000000001';
const BASE = 'https://emulator.test';

function tenantWithProfile() {
  const store = new TenantStore();
  const tenant = store.add({
    azureTenantId: '11111111-2222-4333-8444-555555555555',
    clientId: 'c',
    clientSecret: 's',
    displayName: 'T',
    policies: {
      deviceConfiguration: [
        {
          object: {
            '@odata.type': '#microsoft.graph.windows10CustomConfiguration',
            id: POLICY,
            omaSettings: [
              {
                omaUri: './Device/Secret',
                isEncrypted: true,
                secretReferenceValueId: null,
                value: "it's secret",
              },
              { omaUri: './Device/Plain', isEncrypted: false, secretReferenceValueId: null, value: 7 },
            ],
          },
        },
      ],
    },
  });
  return { store, tenant };
}

function get(path: string, ctx: ReturnType<typeof tenantWithProfile>) {
  const url = new URL(`${BASE}${path}`);
  const [version, ...segments] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const call: GraphCall = { method: 'GET', url, version: version as 'beta', segments };
  return serveCall(call, { ...ctx, defaultPageSize: 100 });
}

const item = `/beta/deviceManagement/deviceConfigurations/${POLICY}`;

test('serves an encrypted value as a placeholder with a reference naming the policy', () => {
  const ctx = tenantWithProfile();
  const reply = get(item, ctx);
  const [secret, plain] = (reply.body as { omaSettings: Record<string, unknown>[] }).omaSettings;
  expect(secret).toMatchObject({ isEncrypted: true, value: ENCRYPTED_PLACEHOLDER });
  expect(String(secret?.secretReferenceValueId)).toMatch(
    new RegExp(`^[0-9a-f-]{36}_${POLICY}_[0-9a-f-]{36}$`),
  );
  expect(plain).toMatchObject({ isEncrypted: false, value: 7 });
  expect(JSON.stringify(get('/beta/deviceManagement/deviceConfigurations', ctx).body)).not.toContain(
    'secret"',
  );
});

test('gives the plain text only to a tenant granted the write permission', () => {
  const ctx = tenantWithProfile();
  const body = get(item, ctx).body as { omaSettings: { secretReferenceValueId: string }[] };
  const reference = body.omaSettings[0]?.secretReferenceValueId ?? '';
  const call = `${item}/getOmaSettingPlainTextValue(secretReferenceValueId='${reference}')`;

  const refused = get(call, ctx);
  expect(refused.status).toBe(403);
  expect(JSON.stringify(refused.body)).toContain(
    'Application must have one of the following scopes: DeviceManagementConfiguration.ReadWrite.All',
  );

  ctx.tenant.grantedPermissions = ['DeviceManagementConfiguration.ReadWrite.All'];
  expect(get(call, ctx)).toMatchObject({ status: 200, body: { value: "it's secret" } });
  // Case-insensitive name, namespace-qualified, the quotes percent-encoded: the same function.
  const variants = [
    `${item}/GETOMASETTINGPLAINTEXTVALUE(secretReferenceValueId='${reference}')`,
    `${item}/microsoft.graph.getOmaSettingPlainTextValue(secretReferenceValueId='${reference}')`,
    `${item}/getOmaSettingPlainTextValue(secretReferenceValueId=%27${reference}%27)`,
  ];
  for (const variant of variants)
    expect(get(variant, ctx)).toMatchObject({ status: 200, body: { value: "it's secret" } });
  expect(get(`${item}/getOmaSettingPlainTextValue(secretReferenceValueId='nope')`, ctx).status).toBe(404);
  // An unquoted string parameter is not a function call Graph routes.
  expect(get(`${item}/getOmaSettingPlainTextValue(secretReferenceValueId=${reference})`, ctx).status).toBe(
    400,
  );
});

test('the function is routed by the surface: on the set that has it, in both versions, under its faults', () => {
  const ctx = tenantWithProfile();
  ctx.tenant.grantedPermissions = [
    ...ctx.tenant.grantedPermissions,
    'DeviceManagementConfiguration.ReadWrite.All',
  ];
  const body = get(item, ctx).body as { omaSettings: { secretReferenceValueId: string }[] };
  const reference = body.omaSettings[0]?.secretReferenceValueId ?? '';
  const call = (path: string) =>
    get(`${path}/getOmaSettingPlainTextValue(secretReferenceValueId='${reference}')`, ctx);
  // Documented in v1.0 as well (Learn, both views; msgraph-sdk-go, generated from v1.0).
  expect(call(item.replace('/beta/', '/v1.0/'))).toMatchObject({
    status: 200,
    body: { value: "it's secret" },
  });
  const elsewhere = call(`/beta/deviceManagement/configurationPolicies/${POLICY}`);
  expect(elsewhere.status).toBe(400);
  expect(JSON.stringify(elsewhere.body)).toContain(
    "Resource not found for the segment 'getOmaSettingPlainTextValue(",
  );
  expect(call('/beta/deviceManagement/deviceConfigurations/nope')).toMatchObject({
    status: 404,
    body: { error: { message: expect.stringContaining("Resource 'nope' does not exist") } },
  });
  // A type the tenant may not read is refused below its items too, functions included.
  ctx.tenant.faults = { forbiddenTypes: ['deviceConfiguration'] };
  expect(call(item).status).toBe(403);
});
