// A tenant's offsite store, ready to put objects: its destination read and its credentials
// decrypted, its endpoint checked by the outbound guard (again at every copy: where a name points
// may have changed since it was saved), and a guarded agent under the SDK.
import { createSecureContext, rootCertificates } from 'node:tls';
import type { DbClient, OffsiteDestination } from '../../db/client';
import { findOffsiteDestination } from '../../db/offsiteDestinations';
import {
  checkOutboundUrl,
  GuardedHttpsAgent,
  type OutboundAllowlist,
  type ResolveHost,
  resolveWithSystem,
} from '../../outbound';
import type { OffsiteCredentialCipher } from '../../secrets';
import type { OffsiteStore, OffsiteStoreKind } from '../types';
import { openAzureBlobStore } from './azureBlobStore';
import type {
  AzureBlobCredentials,
  AzureBlobSettings,
  S3Credentials,
  S3Settings,
  StoredDestination,
} from './destination';
import { OffsiteRefusedError, OffsiteUnavailableError } from './errors';
import { openS3Store } from './s3Store';

export { classifyFailure, OffsiteRefusedError, OffsiteUnavailableError } from './errors';

export interface OffsiteStoreDeps {
  db: DbClient;
  /** The offsite credential cipher (TenantSecretCipher.offsite). */
  secrets: OffsiteCredentialCipher;
  /** offsiteEndpointAllowlist with OFFSITE_ENDPOINT_ALLOWLIST. */
  endpointAllowlist: OutboundAllowlist;
  /** An extra CA to trust (Azurite's or s3rver's self-signed certificate in dev and tests). */
  trustedCaPem?: string;
  resolve?: ResolveHost;
}

export interface OpenedOffsiteStore {
  store: OffsiteStore;
  kind: OffsiteStoreKind;
  prefix: string;
  immutabilityDays: number | null;
}

/** The tenant's store, or null when it has no destination or its destination is disabled. */
export async function openOffsiteStore(
  deps: OffsiteStoreDeps,
  tenantId: string,
): Promise<OpenedOffsiteStore | null> {
  const row = await findOffsiteDestination(deps.db, tenantId);
  if (!row?.enabled) return null;
  const destination = storedDestination(deps.secrets, row);
  await checkEndpoint(deps, destination);
  const store = openStore(destination, offsiteAgent(deps));
  return {
    store,
    kind: row.kind,
    prefix: destination.settings.prefix,
    immutabilityDays: row.immutabilityDays,
  };
}

export function storedDestination(
  cipher: OffsiteCredentialCipher,
  row: OffsiteDestination,
): StoredDestination {
  const credentials = cipher.decrypt(row.tenantId, {
    ciphertext: row.credentialsCiphertext,
    keyId: row.credentialsKeyId,
  });
  return row.kind === 'azure_blob'
    ? {
        kind: 'azure_blob',
        settings: row.settings as AzureBlobSettings,
        credentials: credentials as unknown as AzureBlobCredentials,
      }
    : {
        kind: 's3',
        settings: row.settings as S3Settings,
        credentials: credentials as unknown as S3Credentials,
      };
}

/** The URL the store connects to: Azure's blob endpoint, the S3 endpoint or AWS's regional one. */
export function connectUrlOf(destination: Pick<StoredDestination, 'kind' | 'settings'>): string {
  if (destination.kind === 'azure_blob') return (destination.settings as AzureBlobSettings).blobEndpoint;
  const settings = destination.settings as S3Settings;
  return settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`;
}

/** Refused (no retry helps) or unresolved (a retry may), as the store's errors. */
export async function checkEndpoint(
  deps: Pick<OffsiteStoreDeps, 'endpointAllowlist' | 'resolve'>,
  destination: Pick<StoredDestination, 'kind' | 'settings'>,
): Promise<void> {
  const verdict = await checkOutboundUrl(
    connectUrlOf(destination),
    deps.endpointAllowlist,
    deps.resolve ?? resolveWithSystem,
    'endpoint',
  );
  if (verdict.allowed) return;
  if (verdict.unresolved)
    throw new OffsiteUnavailableError('unresolved', `the offsite endpoint: ${verdict.reason}`);
  throw new OffsiteRefusedError('endpoint_refused', `the offsite endpoint is refused: ${verdict.reason}`);
}

/** The agent under a store's SDK: the allowlist and the address check at every connection. */
export function offsiteAgent(
  deps: Pick<OffsiteStoreDeps, 'endpointAllowlist' | 'trustedCaPem'>,
): GuardedHttpsAgent {
  const tls =
    deps.trustedCaPem === undefined
      ? {}
      : { secureContext: createSecureContext({ ca: [...rootCertificates, deps.trustedCaPem] }) };
  return new GuardedHttpsAgent(deps.endpointAllowlist, { tls });
}

export function openStore(destination: StoredDestination, agent: GuardedHttpsAgent): OffsiteStore {
  return destination.kind === 'azure_blob'
    ? openAzureBlobStore({ settings: destination.settings, credentials: destination.credentials, agent })
    : openS3Store({ settings: destination.settings, credentials: destination.credentials, agent });
}
