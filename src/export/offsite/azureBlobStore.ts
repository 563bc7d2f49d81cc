// Azure Blob Storage (and Azurite): one Put Blob per object, conditional on the name being free
// (If-None-Match: *), so a retried copy never overwrites what an earlier attempt wrote; on a
// conflict the existing blob's properties are read and reported. Every request goes through the
// guarded agent (the pipeline's `agent` option, which core-rest-pipeline applies to each request).
import type { Agent } from 'node:https';
import {
  AnonymousCredential,
  BlobServiceClient,
  type ContainerClient,
  newPipeline,
  RestError,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { OffsitePutOutcome, OffsiteStore } from '../types';
import type { AzureBlobCredentials, AzureBlobSettings } from './destination';
import { classifyFailure, OffsiteRefusedError } from './errors';

const SERVICE = 'Azure Blob Storage';

/** Put Blob takes up to 5000 MiB in one request (service version 2019-12-12 and later). */
export const MAX_SINGLE_PUT_BYTES = 5000 * 1024 * 1024;

export interface AzureBlobStoreOptions {
  settings: AzureBlobSettings;
  credentials: AzureBlobCredentials;
  agent: Agent;
  /** Attempts of the SDK's own retry per request; the activity retries on top. */
  maxTries?: number;
}

export function openAzureBlobStore(options: AzureBlobStoreOptions): OffsiteStore {
  const container = containerClient(options);
  return {
    kind: 'azure_blob',
    async put(input) {
      if (input.size > MAX_SINGLE_PUT_BYTES)
        throw new OffsiteRefusedError('object_too_large', `${SERVICE} takes at most 5000 MiB in one put`);
      const blob = container.getBlockBlobClient(input.name);
      try {
        const response = await blob.upload(input.body, input.size, {
          conditions: { ifNoneMatch: '*' },
          metadata: { sha256: input.sha256 },
          blobHTTPHeaders: { blobContentType: input.contentType },
          // Version-level immutability, set by the write itself so no window exists where the
          // blob is mutable. Unlocked: an administrator of the account can still shorten or
          // remove a wrong period; a container-level locked policy is the place for an
          // irrevocable one (docs/offsite-copies.md).
          ...(input.immutableUntil
            ? { immutabilityPolicy: { expiriesOn: input.immutableUntil, policyMode: 'Unlocked' as const } }
            : {}),
        });
        return { kind: 'created', etag: response.etag ?? '' };
      } catch (error) {
        if (isConflict(error)) return existing(container, input.name, error);
        throw failureOf(error);
      }
    },
  };
}

/**
 * What holds the name the put found taken. Credentials that may create but not read (a SAS
 * without `r`) cannot tell an earlier attempt's blob from someone else's: refused as that, not as
 * bad credentials. No blob there after all: the put's own failure (a 409 other than
 * BlobAlreadyExists, e.g. a container being deleted).
 */
async function existing(
  container: ContainerClient,
  name: string,
  putError: unknown,
): Promise<OffsitePutOutcome> {
  try {
    const properties = await container.getBlobClient(name).getProperties();
    return {
      kind: 'exists',
      etag: properties.etag ?? '',
      size: properties.contentLength ?? 0,
      sha256: properties.metadata?.sha256 ?? null,
    };
  } catch (error) {
    const status = error instanceof RestError ? error.statusCode : undefined;
    if (status === 403)
      throw new OffsiteRefusedError(
        'existing_object_unreadable',
        `${SERVICE} has an object of this name and the credentials may not read it to compare (a SAS needs r)`,
      );
    throw failureOf(status === 404 ? putError : error);
  }
}

function containerClient({
  settings,
  credentials,
  agent,
  maxTries = 3,
}: AzureBlobStoreOptions): ContainerClient {
  // `agent` is core-rest-pipeline's PipelineOptions.agent; the storage options pass it through.
  const pipelineOptions = { retryOptions: { maxTries }, agent } as StoragePipelineOptions;
  const service =
    'connectionString' in credentials
      ? BlobServiceClient.fromConnectionString(credentials.connectionString, pipelineOptions)
      : new BlobServiceClient(
          `${settings.blobEndpoint}?${credentials.sasToken.replace(/^\?/, '')}`,
          newPipeline(new AnonymousCredential(), pipelineOptions),
        );
  return service.getContainerClient(settings.container);
}

// 409 BlobAlreadyExists or 412 ConditionNotMet: the name is taken (by an earlier attempt or by
// anyone else); what is there is reported, never replaced.
function isConflict(error: unknown): boolean {
  return error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412);
}

function failureOf(error: unknown): Error {
  if (error instanceof OffsiteRefusedError) return error;
  if (error instanceof RestError) {
    const serviceCode = error.response?.headers.get('x-ms-error-code') ?? undefined;
    return classifyFailure(SERVICE, {
      status: error.statusCode,
      serviceCode,
      networkCode: error.statusCode === undefined ? (error.code ?? codeOf(error.cause)) : undefined,
    });
  }
  return classifyFailure(SERVICE, { status: undefined, serviceCode: undefined, networkCode: codeOf(error) });
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
  return typeof name === 'string' ? name : undefined;
}
