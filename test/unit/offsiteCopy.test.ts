import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure } from '@temporalio/common';
import {
  immutableUntilOf,
  offsiteObjectNames,
  putVerdict,
  secretFreeMessage,
} from '../../src/export/offsiteCopy';
import { offsiteFailureOf } from '../../src/workflows/summary';
import { describeOffsiteError } from '../../src/activities/copyOffsite';
import { SecretUndecryptableError } from '../../src/secrets';

const SHA = 'a'.repeat(64);

describe('offsiteObjectNames', () => {
  it('puts the archive under the prefix and slug, the manifest beside it without the extension', () => {
    expect(offsiteObjectNames('backups/', 'contoso', 'contoso-2026-12-15T0200Z-1a2b.zip')).toEqual({
      objectName: 'backups/contoso/contoso-2026-12-15T0200Z-1a2b.zip',
      manifestObjectName: 'backups/contoso/contoso-2026-12-15T0200Z-1a2b.manifest.json',
    });
    expect(offsiteObjectNames('', 'fabrikam', 'set.tar.gz').manifestObjectName).toBe(
      'fabrikam/set.manifest.json',
    );
  });
});

describe('putVerdict', () => {
  const expected = { size: 1234, sha256: SHA };

  it('accepts a created object with its etag', () => {
    expect(putVerdict({ kind: 'created', etag: '"e1"' }, expected, 'x.zip')).toEqual({
      accepted: true,
      etag: '"e1"',
    });
  });

  it('accepts an existing object holding the same bytes (an earlier attempt wrote it)', () => {
    expect(putVerdict({ kind: 'exists', etag: '"e0"', size: 1234, sha256: SHA }, expected, 'x.zip')).toEqual({
      accepted: true,
      etag: '"e0"',
    });
  });

  it.each([
    ['another hash', { size: 1234, sha256: 'b'.repeat(64) }],
    ['another size', { size: 99, sha256: SHA }],
    ['no hash metadata', { size: 1234, sha256: null }],
  ])('refuses an existing object with %s', (_what, found) => {
    const verdict = putVerdict({ kind: 'exists', etag: '"e0"', ...found }, expected, 'x.zip');
    expect(verdict.accepted).toBe(false);
    expect(verdict).toMatchObject({ reason: expect.stringContaining('x.zip already exists') });
  });
});

describe('secretFreeMessage', () => {
  it('removes SAS queries, account keys and signatures', () => {
    const message =
      'PUT https://acct.blob.core.windows.net/c/x.zip?sv=2024&sig=S3CR3T%2B failed; ' +
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=S3CR3TKEY==;' +
      ' X-Amz-Signature=S3CR3TSIG Authorization: AWS4-HMAC-SHA256 S3CR3TAUTH';
    const clean = secretFreeMessage(message);
    expect(clean).not.toMatch(/S3CR3T/);
    expect(clean).toContain('https://acct.blob.core.windows.net/c/x.zip?…');
    expect(clean).toContain('AccountName=acct');
  });

  it('cuts long messages', () => {
    expect(secretFreeMessage('x'.repeat(2000)).length).toBe(500);
  });
});

describe('immutableUntilOf', () => {
  it('adds the destination days, none without them', () => {
    const now = new Date('2026-12-15T02:00:00Z');
    expect(immutableUntilOf(now, 30)?.toISOString()).toBe('2027-01-14T02:00:00.000Z');
    expect(immutableUntilOf(now, null)).toBeUndefined();
  });
});

describe('offsiteFailureOf', () => {
  const activityFailure = (cause: Error) =>
    new ActivityFailure('failed', 'copyOffsite', '1', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'id', cause);

  it("reports the activity's failure type and message", () => {
    const cause = ApplicationFailure.nonRetryable('container missing', 'offsite_refused');
    expect(offsiteFailureOf(activityFailure(cause))).toEqual({
      code: 'offsite_refused',
      message: 'container missing',
    });
  });

  it("reports a refusal's own code", () => {
    const cause = ApplicationFailure.create({
      message: 'x.zip already exists with other content',
      type: 'offsite_refused',
      nonRetryable: true,
      details: [{ code: 'offsite_object_conflict' }],
    });
    expect(offsiteFailureOf(activityFailure(cause)).code).toBe('offsite_object_conflict');
  });

  it('reports a timed-out attempt', () => {
    const cause = new TimeoutFailure('timed out', undefined, 'HEARTBEAT');
    expect(offsiteFailureOf(activityFailure(cause))).toEqual({
      code: 'offsite_timeout',
      message: "the copy's last attempt timed out (HEARTBEAT timeout)",
    });
  });

  it('never reports the text of an unknown error (it may hold a secret)', () => {
    expect(offsiteFailureOf(new Error('sig=S3CR3T'))).toEqual({
      code: 'offsite_copy_failed',
      message: 'the copy failed',
    });
  });
});

describe('describeOffsiteError', () => {
  it('refuses credentials no key decrypts (no retry brings the key back)', () => {
    const failure = describeOffsiteError(
      new SecretUndecryptableError('the offsite credentials of tenant t are encrypted with key "k0"'),
    );
    expect(failure).toMatchObject({ refused: true, code: 'credentials_undecryptable' });
  });

  it('retries what it does not know', () => {
    expect(describeOffsiteError(new Error('socket hang up'))).toMatchObject({ refused: false });
  });
});
