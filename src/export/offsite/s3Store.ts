// S3 and S3-compatible stores. PutObject is conditional (If-None-Match: *, which AWS honours
// since 2024) and carries the object's SHA-256 both as metadata and as the checksum S3 verifies
// (x-amz-checksum-sha256, which Object Lock writes require). Some S3-compatible servers ignore
// If-None-Match (s3rver does), so the key is looked up first: an object already there is
// reported, never replaced. A 412 from a store that does honour it is reported the same way.
import type { Agent } from 'node:https';
import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { OffsitePutOutcome, OffsiteStore } from '../types';
import type { S3Credentials, S3Settings } from './destination';
import { classifyFailure, OffsiteRefusedError } from './errors';

const SERVICE = 'The S3 store';
const SILENT = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A single PutObject takes up to 5 GiB. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 * 1024 * 1024;

export interface S3StoreOptions {
  settings: S3Settings;
  credentials: S3Credentials;
  agent: Agent;
  maxAttempts?: number;
}

export function openS3Store({ settings, credentials, agent, maxAttempts = 3 }: S3StoreOptions): OffsiteStore {
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    credentials,
    maxAttempts,
    // Every socket from the guarded agent (allowlist, connect-time address check).
    requestHandler: { httpsAgent: agent },
    // The SHA-256 checksum is given with each put; no streaming (aws-chunked) checksum that
    // S3-compatible servers may not understand.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Without a logger the SDK writes to the console when a streamed put fails (it does not retry
    // a stream); the failure reaches the copy as this store's error, which reports it.
    logger: SILENT,
  });
  const Bucket = settings.bucket;

  async function head(Key: string): Promise<OffsitePutOutcome | null> {
    try {
      const found = await client.send(new HeadObjectCommand({ Bucket, Key }));
      return {
        kind: 'exists',
        etag: found.ETag ?? '',
        size: found.ContentLength ?? 0,
        sha256: found.Metadata?.sha256 ?? null,
      };
    } catch (error) {
      // HEAD answers carry no body, so a missing key and a missing bucket both arrive as 404
      // (NotFound); the put that follows tells them apart (NoSuchBucket).
      if (statusOf(error) === 404) return null;
      throw failureOf(error);
    }
  }

  return {
    kind: 's3',
    async put(input) {
      if (input.size > MAX_SINGLE_PUT_BYTES)
        throw new OffsiteRefusedError('object_too_large', `${SERVICE} takes at most 5 GiB in one put`);
      const before = await head(input.name);
      if (before) return before;
      try {
        const response = await client.send(
          new PutObjectCommand({
            Bucket,
            Key: input.name,
            Body: input.body(),
            ContentLength: input.size,
            ContentType: input.contentType,
            Metadata: { sha256: input.sha256 },
            ChecksumSHA256: Buffer.from(input.sha256, 'hex').toString('base64'),
            IfNoneMatch: '*',
            ...(input.immutableUntil
              ? { ObjectLockMode: 'COMPLIANCE' as const, ObjectLockRetainUntilDate: input.immutableUntil }
              : {}),
          }),
        );
        return { kind: 'created', etag: response.ETag ?? '' };
      } catch (error) {
        // 412: written meanwhile; 409 ConditionalRequestConflict: a concurrent conditional write.
        const status = statusOf(error);
        if (status === 412 || status === 409) {
          const after = await head(input.name);
          if (after) return after;
        }
        throw failureOf(error);
      }
    },
  };
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function failureOf(error: unknown): Error {
  if (error instanceof S3ServiceException)
    return classifyFailure(SERVICE, {
      status: error.$metadata.httpStatusCode,
      serviceCode: error.name === 'Unknown' || error.name === 'NotFound' ? undefined : error.name,
      networkCode: undefined,
    });
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  const networkCode = typeof code === 'string' ? code : typeof name === 'string' ? name : undefined;
  return classifyFailure(SERVICE, { status: undefined, serviceCode: undefined, networkCode });
}
