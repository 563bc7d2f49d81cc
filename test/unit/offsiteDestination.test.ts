// The pure parts of offsite destinations: the PUT body's schema, a connection string's blob
// endpoint (never echoing the string), and how a store's failure is classified.
import { BlobServiceClient } from '@azure/storage-blob';
import { blobEndpointOf, offsiteDestinationBody } from '../../src/export/offsite/destination';
import {
  classifyFailure,
  OffsiteRefusedError,
  OffsiteUnavailableError,
} from '../../src/export/offsite/errors';

const issuesOf = (body: unknown) => {
  const result = offsiteDestinationBody.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('PUT body', () => {
  const azure = {
    kind: 'azure_blob',
    container: 'backups',
    accountUrl: 'https://a.blob.core.windows.net',
    sasToken: 'sv=1&sig=x',
  };
  const s3 = { kind: 's3', bucket: 'backups', accessKeyId: 'a', secretAccessKey: 'b' };

  it('takes both kinds, with defaults', () => {
    expect(issuesOf(azure)).toEqual([]);
    expect(offsiteDestinationBody.parse(s3)).toMatchObject({ region: 'us-east-1' });
  });

  it('names the field at fault', () => {
    expect(issuesOf({ ...azure, container: 'ab' })).toEqual(['container']);
    expect(issuesOf({ ...azure, container: 'a--b' })).toEqual(['container']);
    expect(issuesOf({ ...azure, connectionString: 'AccountName=a;AccountKey=b' })).toEqual(['accountUrl']);
    expect(issuesOf({ ...azure, accountUrl: undefined })).toEqual(['accountUrl']);
    expect(issuesOf({ ...azure, accountUrl: 'https://a.example/x?sv=1' })).toEqual(['accountUrl']);
    expect(issuesOf({ ...azure, prefix: 'a/../' })).toEqual(['prefix']);
    expect(issuesOf({ ...azure, prefix: 'no-slash' })).toEqual(['prefix']);
    expect(issuesOf({ ...azure, immutabilityDays: 36_501 })).toEqual(['immutabilityDays']);
    expect(issuesOf({ ...s3, bucket: 'Upper' })).toEqual(['bucket']);
    expect(issuesOf({ ...s3, endpoint: 'https://s3.example.com/bucket' })).toEqual(['endpoint']);
    expect(issuesOf({ ...s3, sasToken: 'x' })).toEqual(['']);
  });
});

describe('blobEndpointOf', () => {
  it('reads BlobEndpoint, or builds it from AccountName and EndpointSuffix', () => {
    expect(
      blobEndpointOf(
        'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=aw==;BlobEndpoint=https://h:1/a/',
      ),
    ).toEqual({ endpoint: 'https://h:1/a' });
    expect(
      blobEndpointOf(
        'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=aw==;EndpointSuffix=core.chinacloudapi.cn',
      ),
    ).toEqual({ endpoint: 'https://acct.blob.core.chinacloudapi.cn' });
    expect(
      blobEndpointOf('BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=1&sig=s'),
    ).toEqual({ endpoint: 'https://acct.blob.core.windows.net' });
  });

  it('refuses development storage, plain http and strings without credentials, naming no value', () => {
    expect(blobEndpointOf('UseDevelopmentStorage=true')).toHaveProperty('problem');
    const http = blobEndpointOf(
      'DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=secretkey==;EndpointSuffix=core.windows.net',
    );
    expect(http).toEqual({ problem: expect.stringContaining('must be an https:// URL') });
    expect(JSON.stringify(http)).not.toContain('secretkey');
    expect(blobEndpointOf('AccountName=acct')).toEqual({
      problem: 'must hold AccountKey or SharedAccessSignature',
    });
  });
});

describe('blobEndpointOf agrees with the Azure SDK', () => {
  // The endpoint checked and shown must be the one the SDK will call, and a string the SDK
  // cannot use must be refused when saved, not fail every copy afterwards.
  const key = Buffer.from('k').toString('base64');
  const sdkUrlOf = (text: string): string | undefined => {
    try {
      return BlobServiceClient.fromConnectionString(text).url.replace(/\?.*$/, '').replace(/\/+$/, '');
    } catch {
      return undefined;
    }
  };
  it.each([
    [`AccountName=a;AccountKey=${key};BlobEndpoint=https://h:1/a/`],
    [`DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${key}`],
    ['AccountName=acct;SharedAccessSignature=sv=1&sig=s;EndpointSuffix=core.chinacloudapi.cn'],
    [
      `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${key};BlobEndpoint=https://first.example/a;BlobEndpoint=https://second.example/a`,
    ],
    [
      `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${key};EndpointSuffix=core.windows.net;blobendpoint=https://other.example/a`,
    ],
    [`DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${key};EndpointSuffix=core.windows.net`],
    ['BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=1&sig=s'],
  ])('%s', (text) => {
    const ours = blobEndpointOf(text);
    const sdk = sdkUrlOf(text);
    if (sdk === undefined) expect(ours).toHaveProperty('problem');
    else expect(ours).toEqual({ endpoint: sdk });
  });
});

describe('classifyFailure', () => {
  const refused = (status: number | undefined, serviceCode?: string, networkCode?: string) =>
    classifyFailure('S', { status, serviceCode, networkCode });

  it('refuses what no retry fixes', () => {
    expect(refused(403, 'AuthenticationFailed')).toEqual(
      new OffsiteRefusedError('bad_credentials', 'S answered 403 (AuthenticationFailed)'),
    );
    expect(refused(404, 'ContainerNotFound')).toMatchObject({ code: 'container_not_found' });
    expect(refused(404, 'NoSuchBucket')).toMatchObject({ code: 'bucket_not_found' });
    expect(refused(401)).toMatchObject({ code: 'unauthorized' });
    expect(refused(undefined, undefined, 'ERR_OUTBOUND_REFUSED')).toMatchObject({ code: 'endpoint_refused' });
  });

  it('refuses a request the store rejects as malformed (no retry sends it otherwise)', () => {
    // S3 answers a lock on a bucket without Object Lock with 400 InvalidRequest.
    expect(refused(400, 'InvalidRequest')).toMatchObject({ code: 'request_rejected' });
    expect(refused(413)).toBeInstanceOf(OffsiteRefusedError);
    expect(refused(405)).toBeInstanceOf(OffsiteRefusedError);
  });

  it('retries the rest', () => {
    for (const failure of [
      refused(500),
      refused(503, 'ServerBusy'),
      refused(undefined, undefined, 'ECONNRESET'),
      refused(408),
      refused(409, 'ContainerBeingDeleted'),
      refused(429),
    ])
      expect(failure).toBeInstanceOf(OffsiteUnavailableError);
  });
});
