// The offsite stores against real servers on loopback: Azurite (started by `npm test`) and
// s3rver (started here). Neither implements conditional writes fully nor WORM, so a loopback
// recorder shows what the SDKs send: If-None-Match: *, the immutability and Object Lock headers.
import { createHash, randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { AccountSASPermissions, BlobServiceClient } from '@azure/storage-blob';
import { loadOrCreateTls } from '../../src/emulator/tls';
import { ensureAzuriteContainer } from '../../src/devstack/azurite';
import { openAzureBlobStore } from '../../src/export/offsite/azureBlobStore';
import { OffsiteRefusedError, offsiteAgent, openOffsiteStore } from '../../src/export/offsite';
import { openS3Store } from '../../src/export/offsite/s3Store';
import type { OffsitePutInput } from '../../src/export/types';
import { GuardedHttpsAgent, offsiteEndpointAllowlist } from '../../src/outbound';
import type { EmulatorTls } from '../../src/emulator/tls';
import { testEnv } from '../support/env';
import { type TestStack, useTestStack } from '../support/stack';
import { type Receiver, startHttpsReceiver } from '../support/receivers';
import { type RunningS3rver, S3RVER_CREDENTIALS, startS3rver } from '../support/s3rver';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

const env = testEnv();
const CONTAINER = 'offsite-stores-test';
let tls: EmulatorTls;

const putOf = (name: string, text: string, immutableUntil?: Date): OffsitePutInput => {
  const bytes = Buffer.from(text);
  return {
    name,
    body: () => Readable.from([bytes]),
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentType: 'application/zip',
    ...(immutableUntil ? { immutableUntil } : {}),
  };
};

const agentTrusting = (...hosts: string[]) =>
  offsiteAgent({ endpointAllowlist: offsiteEndpointAllowlist(hosts), trustedCaPem: tls.caPem });
const azuriteHost = () => new URL(env.azuriteBlobEndpoint).host;

function azureStore(
  connectionString = env.azuriteConnectionString,
  container = CONTAINER,
  agent = agentTrusting(azuriteHost()),
) {
  return openAzureBlobStore({
    settings: { container, prefix: '', blobEndpoint: env.azuriteBlobEndpoint, auth: 'connection_string' },
    credentials: { connectionString },
    agent,
    maxTries: 1,
  });
}

beforeAll(async () => {
  tls = await loadOrCreateTls(dirname(env.offsiteCaFile));
  await ensureAzuriteContainer({ connectionString: env.azuriteConnectionString }, CONTAINER, tls.caPem);
});

describe('Azure Blob store on Azurite', () => {
  it('creates a blob, and a second put of the name reports it and leaves it as it was', async () => {
    const name = `tenant/${randomUUID()}.zip`;
    const first = await azureStore().put(putOf(name, 'first bytes'));
    expect(first).toEqual({ kind: 'created', etag: expect.stringMatching(/.+/) });

    const second = await azureStore().put(putOf(name, 'other bytes, longer'));
    expect(second).toEqual({
      kind: 'exists',
      etag: first.etag,
      size: 'first bytes'.length,
      sha256: putOf(name, 'first bytes').sha256,
    });
    const agent = agentTrusting(azuriteHost());
    const blob = BlobServiceClient.fromConnectionString(env.azuriteConnectionString, { agent } as object)
      .getContainerClient(CONTAINER)
      .getBlobClient(name);
    expect((await blob.downloadToBuffer()).toString()).toBe('first bytes');
    expect((await blob.getProperties()).etag).toBe(first.etag);
  });

  it('refuses a wrong account key without naming it', async () => {
    const wrongKey = Buffer.from('not the key of devstoreaccount1, 64 bytes long........').toString('base64');
    const connectionString = env.azuriteConnectionString.replace(
      /AccountKey=[^;]+/,
      `AccountKey=${wrongKey}`,
    );
    const error = await azureStore(connectionString)
      .put(putOf(`t/${randomUUID()}`, 'x'))
      .catch((e) => e);
    expect(error).toBeInstanceOf(OffsiteRefusedError);
    expect(error).toMatchObject({ code: expect.stringMatching(/bad_credentials|forbidden/) });
    expect(String(error.message)).not.toContain(wrongKey);
  });

  it('a name taken and unreadable to the credentials (a SAS without r): refused as such, not as bad credentials', async () => {
    const sasUrl = BlobServiceClient.fromConnectionString(env.azuriteConnectionString).generateAccountSasUrl(
      new Date(Date.now() + 3_600_000),
      AccountSASPermissions.parse('cw'),
      'co',
    );
    const sas = new URL(sasUrl).search.slice(1);
    const writeOnly = `BlobEndpoint=${env.azuriteBlobEndpoint};SharedAccessSignature=${sas}`;
    const name = `tenant/${randomUUID()}.zip`;
    expect(await azureStore(writeOnly).put(putOf(name, 'first bytes'))).toMatchObject({ kind: 'created' });
    const error = await azureStore(writeOnly)
      .put(putOf(name, 'first bytes'))
      .catch((e) => e);
    expect(error).toBeInstanceOf(OffsiteRefusedError);
    expect(error.code).toBe('existing_object_unreadable');
    expect(String(error.message)).not.toContain(sas);
  });

  it('refuses a missing container', async () => {
    const error = await azureStore(undefined, 'no-such-container')
      .put(putOf('x', 'x'))
      .catch((e) => e);
    expect(error).toBeInstanceOf(OffsiteRefusedError);
    expect(error.code).toBe('container_not_found');
  });

  it('connects only through the guard: a loopback host off the allowlist is refused', async () => {
    const error = await azureStore(undefined, CONTAINER, agentTrusting())
      .put(putOf('x', 'x'))
      .catch((e) => e);
    expect(error).toBeInstanceOf(OffsiteRefusedError);
    expect(error.code).toBe('endpoint_refused');
  });
});

it('the SDK connects through the guard: a name that resolves to loopback at connect time (DNS rebinding) is refused', async () => {
  const port = new URL(env.azuriteBlobEndpoint).port;
  const lookups: string[] = [];
  // As if rebind.example had resolved public when saved and answers loopback now.
  const agent = new GuardedHttpsAgent(offsiteEndpointAllowlist(), {
    lookup: ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      lookups.push(hostname);
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as never,
  });
  const store = openAzureBlobStore({
    settings: {
      container: CONTAINER,
      prefix: '',
      blobEndpoint: `https://rebind.example:${port}/devstoreaccount1`,
      auth: 'sas_token',
    },
    credentials: { sasToken: 'sv=1&sig=never-sent' },
    agent,
    maxTries: 1,
  });
  const error = await store.put(putOf('x', 'x')).catch((e) => e);
  expect(lookups).toContain('rebind.example');
  expect(error).toBeInstanceOf(OffsiteRefusedError);
  expect(error.code).toBe('endpoint_refused');
  expect(String(error.message)).not.toContain('never-sent');
});

describe('openOffsiteStore', () => {
  const deps = (trusted: string[]) => ({
    db: stack.db,
    secrets: stack.secrets.offsite,
    endpointAllowlist: offsiteEndpointAllowlist(trusted),
    trustedCaPem: tls.caPem,
  });

  it("opens the tenant's enabled destination, checks its endpoint at every open, and is null without one", async () => {
    const tenantId = stack.tenant.id;
    expect(await openOffsiteStore(deps([azuriteHost()]), tenantId)).toBeNull();
    const stored = stack.secrets.offsite.encrypt(tenantId, { connectionString: env.azuriteConnectionString });
    const data = {
      kind: 'azure_blob' as const,
      settings: {
        container: CONTAINER,
        prefix: 'p/',
        blobEndpoint: env.azuriteBlobEndpoint,
        auth: 'connection_string',
      },
      credentialsCiphertext: stored.ciphertext,
      credentialsKeyId: stored.keyId,
      immutabilityDays: 7,
    };
    await stack.db.offsiteDestination.create({ data: { tenantId, ...data } });

    const opened = await openOffsiteStore(deps([azuriteHost()]), tenantId);
    expect(opened).toMatchObject({ kind: 'azure_blob', prefix: 'p/', immutabilityDays: 7 });
    // Azurite takes a Put Blob's immutability headers and ignores them; Azure would keep the blob.
    const name = `p/${randomUUID()}.zip`;
    const until = new Date(Date.now() + 7 * 86_400_000);
    expect(await opened!.store.put(putOf(name, 'immutable', until))).toMatchObject({ kind: 'created' });

    // Taken off the allowlist since it was saved: refused before any connection.
    const refused = await openOffsiteStore(deps([]), tenantId).catch((e) => e);
    expect(refused).toBeInstanceOf(OffsiteRefusedError);
    expect(refused.code).toBe('endpoint_refused');

    await stack.db.offsiteDestination.update({ where: { tenantId }, data: { enabled: false } });
    expect(await openOffsiteStore(deps([azuriteHost()]), tenantId)).toBeNull();
  });
});

describe('S3 store on s3rver', () => {
  let s3rver: RunningS3rver;
  beforeAll(async () => {
    s3rver = await startS3rver(tls, ['offsite']);
  });
  afterAll(() => s3rver.close());

  const s3Store = (agent = agentTrusting(s3rver.host)) =>
    openS3Store({
      settings: {
        bucket: 'offsite',
        prefix: '',
        region: 'us-east-1',
        endpoint: s3rver.endpoint,
        forcePathStyle: true,
      },
      credentials: S3RVER_CREDENTIALS,
      agent,
      maxAttempts: 1,
    });

  it('creates an object, then reports it without replacing it', async () => {
    const name = `tenant/${randomUUID()}.zip`;
    const first = await s3Store().put(putOf(name, 'first bytes'));
    expect(first).toEqual({ kind: 'created', etag: expect.stringMatching(/.+/) });
    const second = await s3Store().put(putOf(name, 'other bytes, longer'));
    expect(second).toEqual({
      kind: 'exists',
      etag: first.etag,
      size: 'first bytes'.length,
      sha256: putOf(name, 'first bytes').sha256,
    });
  });

  it('refuses a missing bucket', async () => {
    const store = openS3Store({
      settings: {
        bucket: 'no-such-bucket',
        prefix: '',
        region: 'us-east-1',
        endpoint: s3rver.endpoint,
        forcePathStyle: true,
      },
      credentials: S3RVER_CREDENTIALS,
      agent: agentTrusting(s3rver.host),
      maxAttempts: 1,
    });
    const error = await store.put(putOf('x', 'x')).catch((e) => e);
    expect(error).toBeInstanceOf(OffsiteRefusedError);
    expect(error.code).toBe('bucket_not_found');
  });
});

describe('recorded requests', () => {
  let receiver: Receiver;
  afterEach(() => receiver?.close());
  const until = new Date('2036-01-02T03:04:05.000Z');

  it('Azure: Put Blob is conditional and carries the unlocked immutability policy', async () => {
    receiver = await startHttpsReceiver(tls, () => ({ status: 201, headers: { etag: '"0x1"' }, body: '' }));
    const store = openAzureBlobStore({
      settings: { container: 'c1', prefix: '', blobEndpoint: `${receiver.origin}/acct`, auth: 'sas_token' },
      credentials: { sasToken: 'sv=2024-01-01&sig=recorded' },
      agent: agentTrusting(receiver.host),
      maxTries: 1,
    });
    const input = putOf('t/set.zip', 'bytes', until);
    expect(await store.put(input)).toEqual({ kind: 'created', etag: '"0x1"' });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers).toMatchObject({
      'if-none-match': '*',
      'x-ms-blob-type': 'BlockBlob',
      'x-ms-meta-sha256': input.sha256,
      'x-ms-immutability-policy-mode': 'Unlocked',
      'x-ms-immutability-policy-until-date': until.toUTCString(),
    });
  });

  it('S3: HEAD first, then a conditional PutObject with checksum and COMPLIANCE lock; 412 is `exists`', async () => {
    const xml = { 'content-type': 'application/xml' };
    const answers = [
      { status: 404, body: '' },
      {
        status: 412,
        headers: xml,
        body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
      },
      {
        status: 200,
        headers: { etag: '"abc"', 'content-length': '5', 'x-amz-meta-sha256': 'f'.repeat(64) },
        body: '',
      },
    ];
    receiver = await startHttpsReceiver(tls, (_request, index) => answers[index] ?? { status: 500 });
    const store = openS3Store({
      settings: {
        bucket: 'b1',
        prefix: '',
        region: 'eu-west-1',
        endpoint: receiver.origin,
        forcePathStyle: true,
      },
      credentials: { accessKeyId: 'AKIDRECORDED', secretAccessKey: 'recorded-secret' },
      agent: agentTrusting(receiver.host),
      maxAttempts: 1,
    });
    const input = putOf('t/set.zip', 'bytes', until);
    expect(await store.put(input)).toEqual({
      kind: 'exists',
      etag: '"abc"',
      size: 5,
      sha256: 'f'.repeat(64),
    });
    const put = receiver.requests[1]!;
    expect(put.path).toBe('/b1/t/set.zip?x-id=PutObject');
    expect(put.headers).toMatchObject({
      'if-none-match': '*',
      'content-length': '5',
      'x-amz-meta-sha256': input.sha256,
      'x-amz-checksum-sha256': Buffer.from(input.sha256, 'hex').toString('base64'),
      'x-amz-object-lock-mode': 'COMPLIANCE',
      'x-amz-object-lock-retain-until-date': '2036-01-02T03:04:05Z',
    });
    expect(put.body).toBe('bytes');
  });
});
