// The pure parts of offsite destinations: the PUT body's schema, a connection string's blob
// endpoint (never echoing the string), and how a store's failure is classified.
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
    expect(blobEndpointOf('AccountName=a;AccountKey=k==;BlobEndpoint=https://h:1/a/')).toEqual({
      endpoint: 'https://h:1/a',
    });
    expect(blobEndpointOf('DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=k==')).toEqual({
      endpoint: 'https://acct.blob.core.windows.net',
    });
    expect(
      blobEndpointOf(
        'AccountName=acct;SharedAccessSignature=sv=1&sig=s;EndpointSuffix=core.chinacloudapi.cn',
      ),
    ).toEqual({
      endpoint: 'https://acct.blob.core.chinacloudapi.cn',
    });
  });

  it('refuses development storage, plain http and strings without credentials, naming no value', () => {
    expect(blobEndpointOf('UseDevelopmentStorage=true')).toHaveProperty('problem');
    const http = blobEndpointOf('DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=secretkey==');
    expect(http).toEqual({ problem: expect.stringContaining('https') });
    expect(JSON.stringify(http)).not.toContain('secretkey');
    expect(blobEndpointOf('AccountName=acct')).toEqual({
      problem: 'must hold AccountKey or SharedAccessSignature',
    });
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

  it('retries the rest', () => {
    for (const failure of [
      refused(500),
      refused(503, 'ServerBusy'),
      refused(undefined, undefined, 'ECONNRESET'),
      refused(408),
    ])
      expect(failure).toBeInstanceOf(OffsiteUnavailableError);
  });
});
