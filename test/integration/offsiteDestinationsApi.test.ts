// The tenant's offsite destination through the API: PUT, GET, DELETE by its owner; credentials
// stored encrypted and never returned; kept when a PUT of the same kind leaves them out;
// 422 naming the field; the outbound guard (private addresses refused, Azurite on the allowlist
// accepted); owner-only writes; audit rows without credentials.
import { offsiteDestination } from '../../src/api/openapi/offsiteResponses';
import { offsiteDestinationBody } from '../../src/export/offsite/destination';
import { storedDestination } from '../../src/export/offsite/index';
import { offsiteEndpointAllowlist, type ResolveHost } from '../../src/outbound';
import { putOffsiteDestination } from '../../src/services/offsiteDestinations';
import { testEnv } from '../support/env';
import type { ApiResponse, TestApp, TestStack, TestUser } from '../support/stack';
import { useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const env = testEnv();
const SAS = 'sv=2024-11-04&sp=cw&sig=canaryOffsiteSasSignature0123456789';
const S3_SECRET = 'canary-offsite-s3-secret-access-key-0123456789';
let app: TestApp;
let path: string;
let owner: TestUser;
let manager: TestUser;
let reader: TestUser;

beforeAll(async () => {
  app = await stack.startApp({
    offsiteEndpointAllowlist: offsiteEndpointAllowlist([new URL(env.azuriteBlobEndpoint).host]),
  });
  path = `/v1/tenants/${stack.tenant.id}/offsite-destination`;
  [owner, manager, reader] = await Promise.all([
    stack.userWithRole('owner'),
    stack.userWithRole('manager'),
    stack.userWithRole('readonly'),
  ]);
});

afterAll(() => app?.close());

const put = (body: Record<string, unknown>, token = owner.token) =>
  app.api(path, { method: 'PUT', body, token });

function expectFieldError(response: ApiResponse, field: string, message?: RegExp) {
  expect(response.status).toBe(422);
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(response.body.errors).toContainEqual({
    field,
    message: message ? expect.stringMatching(message) : expect.any(String),
  });
}

const azuriteBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'azure_blob',
  container: 'offsite-api-test',
  accountUrl: env.azuriteBlobEndpoint,
  sasToken: SAS,
  prefix: 'tenantvault/',
  immutabilityDays: 30,
  ...overrides,
});

test('PUT, GET, PUT keeping the credentials, DELETE; never a credential in an answer or the audit', async () => {
  const created = await put(azuriteBody());
  expect(created.status).toBe(200);
  offsiteDestination.parse(created.body);
  expect(created.body).toMatchObject({
    kind: 'azure_blob',
    settings: { container: 'offsite-api-test', blobEndpoint: env.azuriteBlobEndpoint, auth: 'sas_token' },
    credentialsSet: ['sasToken'],
    immutabilityDays: 30,
    enabled: true,
  });

  const read = await app.api(path, { token: reader.token });
  expect(read.status).toBe(200);
  expect(read.body).toEqual(created.body);

  // Same kind and way of authenticating: the SAS may be left out, and is kept.
  const kept = await put(azuriteBody({ sasToken: undefined, prefix: '', enabled: false }));
  expect(kept.status).toBe(200);
  expect(kept.body).toMatchObject({ credentialsSet: ['sasToken'], enabled: false, settings: { prefix: '' } });
  const row = await stack.db.offsiteDestination.findUniqueOrThrow({ where: { tenantId: stack.tenant.id } });
  expect(
    stack.secrets.offsite.decrypt(stack.tenant.id, {
      ciphertext: row.credentialsCiphertext,
      keyId: row.credentialsKeyId,
    }),
  ).toEqual({ sasToken: SAS });
  expect(JSON.stringify(row)).not.toContain('canaryOffsiteSas');

  // Another kind needs its own credentials.
  expectFieldError(await put({ kind: 's3', bucket: 'backups', region: 'eu-west-1' }), 'accessKeyId');
  expectFieldError(
    await put({ kind: 's3', bucket: 'backups', region: 'eu-west-1', accessKeyId: 'AKIDONLY' }),
    'secretAccessKey',
  );

  expect((await app.api(path, { method: 'DELETE', token: owner.token })).status).toBe(204);
  expect((await app.api(path, { token: owner.token })).status).toBe(404);
  expect((await app.api(path, { method: 'DELETE', token: owner.token })).status).toBe(404);

  const audit = await stack.db.auditLog.findMany({
    where: { tenantId: stack.tenant.id, resourceType: 'offsite_destination' },
    orderBy: { createdAt: 'asc' },
  });
  expect(audit.map((entry) => entry.action)).toEqual([
    'offsite_destination.created',
    'offsite_destination.replaced',
    'offsite_destination.deleted',
  ]);
  expect(audit[0]!.metadata).toEqual({
    kind: 'azure_blob',
    credentialsReplaced: true,
    immutabilityDays: 30,
    enabled: true,
  });
  expect(audit[1]!.metadata).toMatchObject({ credentialsReplaced: false });
  expect(JSON.stringify(audit)).not.toMatch(/canaryOffsiteSas|sig=/);
});

test('an S3 destination (an S3-compatible server on the allowlist): credentials write-only', async () => {
  const saved = await put({
    kind: 's3',
    bucket: 'contoso-backups',
    region: 'eu-west-1',
    endpoint: `https://${new URL(env.azuriteBlobEndpoint).host}/`,
    forcePathStyle: true,
    accessKeyId: 'AKIDCANARYOFFSITE',
    secretAccessKey: S3_SECRET,
  });
  expect(saved.status).toBe(200);
  offsiteDestination.parse(saved.body);
  expect(saved.body.settings).toEqual({
    bucket: 'contoso-backups',
    prefix: '',
    region: 'eu-west-1',
    endpoint: `https://${new URL(env.azuriteBlobEndpoint).host}`,
    forcePathStyle: true,
  });
  expect(saved.body.credentialsSet).toEqual(['accessKeyId', 'secretAccessKey']);
  expect(JSON.stringify(saved.body)).not.toMatch(/AKIDCANARYOFFSITE|canary-offsite-s3/);
  await app.api(path, { method: 'DELETE', token: owner.token });
});

test('422 naming the field', async () => {
  expectFieldError(await put(azuriteBody({ container: 'Not_A_Container' })), 'container');
  expectFieldError(await put(azuriteBody({ immutabilityDays: 0 })), 'immutabilityDays');
  expectFieldError(await put(azuriteBody({ accountUrl: 'http://example.com' })), 'accountUrl', /https/);
  expectFieldError(await put(azuriteBody({ prefix: '/abs' })), 'prefix');
  expectFieldError(await put(azuriteBody({ kind: 'ftp' })), 'kind');
  expectFieldError(
    await put(azuriteBody({ accountUrl: undefined, sasToken: undefined })),
    'connectionString',
  );
  expectFieldError(
    await put(
      azuriteBody({
        accountUrl: undefined,
        sasToken: undefined,
        connectionString: 'UseDevelopmentStorage=true',
      }),
    ),
    'connectionString',
    /UseDevelopmentStorage/,
  );
  expectFieldError(
    await put({
      kind: 's3',
      bucket: 'backups',
      region: 'eu-west-1',
      endpoint: 'https://s3.example.com/path',
      accessKeyId: 'a',
      secretAccessKey: 'b',
    }),
    'endpoint',
  );
  expect(await stack.db.offsiteDestination.count({ where: { tenantId: stack.tenant.id } })).toBe(0);
});

test('private-network URLs are refused unless on OFFSITE_ENDPOINT_ALLOWLIST', async () => {
  expectFieldError(
    await put(azuriteBody({ accountUrl: 'https://10.1.2.3/acct' })),
    'accountUrl',
    /10\.1\.2\.3/,
  );
  expectFieldError(await put(azuriteBody({ accountUrl: 'https://127.0.0.1:1/acct' })), 'accountUrl');
  const connectionString = `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${Buffer.from('k').toString('base64')};BlobEndpoint=https://192.168.1.10/a;`;
  expectFieldError(
    await put(azuriteBody({ accountUrl: undefined, sasToken: undefined, connectionString })),
    'connectionString',
    /192\.168\.1\.10/,
  );
  expectFieldError(
    await put({
      kind: 's3',
      bucket: 'backups',
      region: 'eu-west-1',
      endpoint: 'https://[::1]:9000',
      accessKeyId: 'a',
      secretAccessKey: 'b',
    }),
    'endpoint',
  );
  expect(await stack.db.offsiteDestination.count({ where: { tenantId: stack.tenant.id } })).toBe(0);
});

test('only owners write; readers read', async () => {
  expect((await put(azuriteBody(), manager.token)).status).toBe(403);
  expect((await put(azuriteBody(), reader.token)).status).toBe(403);
  expect((await put(azuriteBody())).status).toBe(200);
  expect((await app.api(path, { method: 'DELETE', token: manager.token })).status).toBe(403);
  expect((await app.api(path, { token: reader.token })).status).toBe(200);
  await app.api(path, { method: 'DELETE', token: owner.token });
});

test('two PUTs at once: one keeping the stored key pair never writes back the pair the other replaced', async () => {
  // PUT A brings a new key pair while PUT B (keeping the credentials) is still checking its
  // endpoint: B read the old pair before A wrote; B must not put it back.
  const deps = (resolve: ResolveHost) => ({
    db: stack.db,
    cipher: stack.secrets.offsite,
    endpointAllowlist: offsiteEndpointAllowlist(),
    resolve,
  });
  const publicAddress: ResolveHost = async () => ['8.8.8.8'];
  const s3 = { kind: 's3', bucket: 'race-bucket', region: 'eu-west-1', endpoint: 'https://s3.example.com' };
  const body = (extra: Record<string, unknown>) => offsiteDestinationBody.parse({ ...s3, ...extra });
  const tenantId = stack.tenant.id;
  await putOffsiteDestination(
    deps(publicAddress),
    tenantId,
    body({ accessKeyId: 'OLDKEYID', secretAccessKey: 'old-secret' }),
    owner.userId,
  );

  let resolving!: () => void;
  const bIsResolving = new Promise<void>((resolve) => {
    resolving = resolve;
  });
  let releaseB!: () => void;
  const bMayGoOn = new Promise<void>((resolve) => {
    releaseB = resolve;
  });
  const slowResolve: ResolveHost = async () => {
    resolving();
    await bMayGoOn;
    return ['8.8.8.8'];
  };
  const b = putOffsiteDestination(deps(slowResolve), tenantId, body({ prefix: 'b/' }), owner.userId);
  await bIsResolving;
  const a = putOffsiteDestination(
    deps(publicAddress),
    tenantId,
    body({ accessKeyId: 'NEWKEYID', secretAccessKey: 'new-secret' }),
    owner.userId,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  releaseB();
  await Promise.allSettled([a, b]);

  const row = await stack.db.offsiteDestination.findUniqueOrThrow({ where: { tenantId } });
  expect(storedDestination(stack.secrets.offsite, row).credentials).toEqual({
    accessKeyId: 'NEWKEYID',
    secretAccessKey: 'new-secret',
  });
  await app.api(path, { method: 'DELETE', token: owner.token });
});

test('credentials under a key SECRET_ENCRYPTION_KEYS no longer holds: GET answers, a PUT with new credentials repairs, a PUT keeping them is a 422', async () => {
  expect((await put(azuriteBody())).status).toBe(200);
  await stack.db.offsiteDestination.update({
    where: { tenantId: stack.tenant.id },
    data: { credentialsKeyId: 'a-key-since-removed' },
  });
  const read = await app.api(path, { token: reader.token });
  expect(read.status).toBe(200);
  expect(read.body.credentialsSet).toEqual(['sasToken']);
  expectFieldError(await put(azuriteBody({ sasToken: undefined })), 'sasToken', /decrypt|key/);
  const repaired = await put(azuriteBody());
  expect(repaired.status).toBe(200);
  const row = await stack.db.offsiteDestination.findUniqueOrThrow({ where: { tenantId: stack.tenant.id } });
  expect(row.credentialsKeyId).not.toBe('a-key-since-removed');
  await app.api(path, { method: 'DELETE', token: owner.token });
});
