// A tenant's offsite destination as the API manages it. Credentials are write-only: encrypted on
// every write, never returned (a read says which credential fields are set). A PUT replaces the
// destination; it may leave the credentials out when the kind (and for Azure the way of
// authenticating: connection string or account URL with SAS) stays the same, and the stored ones
// are kept. Every write is audited with the kind and field names only.
import { type AuditEntry, appendAudit, userActor } from '../db/audit';
import type { Db, DbClient, OffsiteDestination, Prisma } from '../db/client';
import {
  deleteOffsiteDestination,
  findOffsiteDestination,
  lockOffsiteDestination,
  upsertOffsiteDestination,
} from '../db/offsiteDestinations';
import {
  type AzureBlobCredentials,
  type AzureBlobSettings,
  blobEndpointOf,
  CREDENTIAL_FIELDS,
  type OffsiteDestinationBody,
  type S3Settings,
  type StoredDestination,
} from '../export/offsite/destination';
import { checkEndpoint, storedDestination } from '../export/offsite/index';
import { OffsiteRefusedError, OffsiteUnavailableError } from '../export/offsite/errors';
import type { OutboundAllowlist, ResolveHost } from '../outbound';
import { type OffsiteCredentialCipher, SecretUndecryptableError } from '../secrets';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';

export interface OffsiteDestinationDeps {
  db: Db;
  cipher: OffsiteCredentialCipher;
  /** offsiteEndpointAllowlist with OFFSITE_ENDPOINT_ALLOWLIST. */
  endpointAllowlist: OutboundAllowlist;
  resolve?: ResolveHost;
}

export async function getOffsiteDestination(db: DbClient, tenantId: string): Promise<OffsiteDestination> {
  const row = await findOffsiteDestination(db, tenantId);
  if (!row) throw new NotFoundError('offsite destination');
  return row;
}

/**
 * Which credential fields a stored destination holds (never their values), from its kind and way
 * of authenticating: no decryption, so a GET answers even when the key is gone.
 */
export function credentialFieldsSet(row: OffsiteDestination): string[] {
  if (row.kind === 's3') return [...CREDENTIAL_FIELDS.s3];
  return [(row.settings as AzureBlobSettings).auth === 'sas_token' ? 'sasToken' : 'connectionString'];
}

/**
 * A PUT that keeps the stored credentials resolves them from the row it read, then checks the
 * endpoint (DNS, seconds at worst) outside any transaction. The write happens only if the row is
 * still the one read (its ciphertext changes on every write, it is the version); otherwise
 * another PUT (or a key rotation) wrote meanwhile and this one is resolved again, so it never
 * writes back credentials the other replaced.
 */
const PUT_ATTEMPTS = 3;

export async function putOffsiteDestination(
  deps: OffsiteDestinationDeps,
  tenantId: string,
  body: OffsiteDestinationBody,
  actorUserId: string,
): Promise<OffsiteDestination> {
  for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt += 1) {
    const current = await findOffsiteDestination(deps.db, tenantId);
    const resolved = resolveDestination(deps.cipher, current, body);
    await checkResolvedEndpoint(deps, resolved);
    const written = await writeIfUnchanged(deps, tenantId, body, actorUserId, current, resolved);
    if (written) return written;
  }
  throw new ConflictError(
    'the offsite destination kept changing while this PUT was checked; send it again',
    'offsite_destination_changed',
  );
}

async function checkResolvedEndpoint(deps: OffsiteDestinationDeps, resolved: Resolved): Promise<void> {
  try {
    await checkEndpoint(deps, resolved.destination);
  } catch (error) {
    if (error instanceof OffsiteRefusedError || error instanceof OffsiteUnavailableError)
      throw new InvalidInputError(
        resolved.urlField,
        error.message.replace(/^the offsite endpoint(?: is refused)?: /, ''),
      );
    throw error;
  }
}

/** The row written, or null when it is no longer `read` (another write came first). */
async function writeIfUnchanged(
  deps: OffsiteDestinationDeps,
  tenantId: string,
  body: OffsiteDestinationBody,
  actorUserId: string,
  read: OffsiteDestination | null,
  { destination, credentialsReplaced }: Resolved,
): Promise<OffsiteDestination | null> {
  const stored = deps.cipher.encrypt(tenantId, destination.credentials);
  return deps.db.$transaction(async (tx) => {
    const now = await lockOffsiteDestination(tx, tenantId);
    if ((now?.credentialsCiphertext ?? null) !== (read?.credentialsCiphertext ?? null)) return null;
    const row = await upsertOffsiteDestination(tx, tenantId, {
      kind: destination.kind,
      settings: destination.settings as unknown as Prisma.InputJsonObject,
      credentialsCiphertext: stored.ciphertext,
      credentialsKeyId: stored.keyId,
      immutabilityDays: body.immutabilityDays ?? null,
      enabled: body.enabled ?? true,
      updatedBy: userActor(actorUserId),
    });
    await appendAudit(
      tx,
      audit(tenantId, actorUserId, read ? 'offsite_destination.replaced' : 'offsite_destination.created', {
        kind: destination.kind,
        credentialsReplaced,
        immutabilityDays: row.immutabilityDays,
        enabled: row.enabled,
      }),
    );
    return row;
  });
}

export async function deleteTenantOffsiteDestination(
  db: Db,
  tenantId: string,
  actorUserId: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    if (!(await deleteOffsiteDestination(tx, tenantId))) throw new NotFoundError('offsite destination');
    await appendAudit(tx, audit(tenantId, actorUserId, 'offsite_destination.deleted'));
  });
}

interface Resolved {
  destination: StoredDestination;
  credentialsReplaced: boolean;
  /** The body field that names the URL the guard checks, for a 422. */
  urlField: string;
}

/** Settings and credentials from the body, the stored credentials where it may leave them out. */
function resolveDestination(
  cipher: OffsiteCredentialCipher,
  current: OffsiteDestination | null,
  body: OffsiteDestinationBody,
): Resolved {
  // Decrypted only when kept: new credentials replace stored ones even when their key is gone.
  const keptOf = (field: string): StoredDestination | undefined =>
    current?.kind === body.kind ? decryptKept(cipher, current, field) : undefined;
  const prefix = body.prefix ?? '';
  if (body.kind === 's3') {
    const settings: S3Settings = {
      bucket: body.bucket,
      prefix,
      region: body.region,
      endpoint: body.endpoint?.replace(/\/+$/, '') ?? null,
      forcePathStyle: body.forcePathStyle ?? false,
    };
    const given = [body.accessKeyId, body.secretAccessKey].filter((value) => value !== undefined).length;
    if (given === 1)
      throw new InvalidInputError(
        body.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey',
        'required with the other half of the key pair',
      );
    const kept = given === 0 ? keptOf('accessKeyId') : undefined;
    if (given === 0 && kept?.kind !== 's3')
      throw new InvalidInputError('accessKeyId', 'required (with secretAccessKey) for a new s3 destination');
    const credentials =
      given === 2
        ? { accessKeyId: body.accessKeyId!, secretAccessKey: body.secretAccessKey! }
        : (kept as Extract<StoredDestination, { kind: 's3' }>).credentials;
    return {
      destination: { kind: 's3', settings, credentials },
      credentialsReplaced: given === 2,
      urlField: 'endpoint',
    };
  }

  if (body.connectionString !== undefined) {
    const endpoint = blobEndpointOf(body.connectionString);
    if ('problem' in endpoint) throw new InvalidInputError('connectionString', endpoint.problem);
    const settings: AzureBlobSettings = {
      container: body.container,
      prefix,
      blobEndpoint: endpoint.endpoint,
      auth: 'connection_string',
    };
    const credentials = { connectionString: body.connectionString };
    return {
      destination: { kind: 'azure_blob', settings, credentials },
      credentialsReplaced: true,
      urlField: 'connectionString',
    };
  }
  const currentAuth =
    current?.kind === 'azure_blob' ? (current.settings as AzureBlobSettings).auth : undefined;
  if (body.accountUrl !== undefined) {
    const keptSas =
      body.sasToken === undefined && currentAuth === 'sas_token'
        ? keptOf('sasToken')?.credentials
        : undefined;
    if (body.sasToken === undefined && !keptSas)
      throw new InvalidInputError('sasToken', 'required with accountUrl (none is stored to keep)');
    const settings: AzureBlobSettings = {
      container: body.container,
      prefix,
      blobEndpoint: body.accountUrl.replace(/\/+$/, ''),
      auth: 'sas_token',
    };
    const credentials =
      body.sasToken !== undefined
        ? { sasToken: body.sasToken.replace(/^\?/, '') }
        : (keptSas as AzureBlobCredentials);
    return {
      destination: { kind: 'azure_blob', settings, credentials },
      credentialsReplaced: body.sasToken !== undefined,
      urlField: 'accountUrl',
    };
  }
  const keptAzure =
    currentAuth === undefined
      ? undefined
      : (keptOf(currentAuth === 'sas_token' ? 'sasToken' : 'connectionString') as Extract<
          StoredDestination,
          { kind: 'azure_blob' }
        >);
  if (!keptAzure)
    throw new InvalidInputError(
      'connectionString',
      'required (or accountUrl with sasToken) for a new azure_blob destination',
    );
  const settings: AzureBlobSettings = { ...keptAzure.settings, container: body.container, prefix };
  return {
    destination: { kind: 'azure_blob', settings, credentials: keptAzure.credentials },
    credentialsReplaced: false,
    urlField: keptAzure.settings.auth === 'sas_token' ? 'accountUrl' : 'connectionString',
  };
}

/** The stored credentials to keep; a 422 on `field` when their key is gone (give them again). */
function decryptKept(
  cipher: OffsiteCredentialCipher,
  current: OffsiteDestination,
  field: string,
): StoredDestination {
  try {
    return storedDestination(cipher, current);
  } catch (error) {
    if (!(error instanceof SecretUndecryptableError)) throw error;
    throw new InvalidInputError(
      field,
      `the stored credentials cannot be decrypted (their key "${current.credentialsKeyId}" is not in SECRET_ENCRYPTION_KEYS): give them again`,
    );
  }
}

function audit(
  tenantId: string,
  actorUserId: string,
  action: string,
  metadata: Prisma.InputJsonObject = {},
): AuditEntry {
  return {
    tenantId,
    actor: userActor(actorUserId),
    action,
    resourceType: 'offsite_destination',
    resourceId: tenantId,
    metadata,
  };
}
