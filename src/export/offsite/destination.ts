// A tenant's offsite destination as the API takes it (PUT body) and as it is stored: settings
// that are not secret (table offsite_destinations.settings) and credentials (encrypted in
// credentials_ciphertext). The form of every URL is checked here; where it points (allowlist,
// addresses) is checked by the service when saved and by the store before each copy.
import { BlobServiceClient } from '@azure/storage-blob';
import { z } from 'zod';
import { urlFormProblem } from '../../outbound/guard';
import { alongFieldErrors } from '../../shared/crossFieldRules';

const urlField = (form: 'service_root' | 'endpoint', what: string) =>
  z
    .string()
    .max(2048)
    .superRefine((url, ctx) => {
      const problem = urlFormProblem(url, form) ?? (url.includes('?') ? 'must not have a query' : undefined);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ format: 'uri', description: what });

/** `backups/`, `tenantvault/offsite/`: folders ending in "/", or empty. */
const prefix = z
  .string()
  .max(256)
  .regex(
    /^(?:[A-Za-z0-9._-]+\/)*$/,
    'must be folder names of letters, digits, ".", "_" or "-", each ending in "/"',
  )
  .refine((text) => !/(^|\/)\.{1,2}\//.test(text), 'must not contain "." or ".." folders')
  .describe('prepended to every object name, e.g. "tenantvault/"; empty by default');

const common = {
  prefix: prefix.optional(),
  immutabilityDays: z
    .int()
    .min(1)
    .max(36_500)
    .nullable()
    .optional()
    .describe(
      'days each copied object stays immutable (WORM) where the store supports it; absent or null: none',
    ),
  enabled: z.boolean().optional().describe('false keeps the destination but copies nothing; true by default'),
};

/** Azure's container rules: 3-63 lower-case letters, digits and single hyphens, no edge hyphen. */
const container = z
  .string()
  .regex(
    /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/,
    'must be a valid Azure container name (3-63 lower-case letters, digits, single hyphens)',
  )
  .describe('the blob container the copies go to');

/** S3's bucket rules (the common subset): 3-63 lower-case letters, digits, dots and hyphens. */
const bucket = z
  .string()
  .regex(
    /^(?=.{3,63}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    'must be a valid bucket name (3-63 lower-case letters, digits, "." and "-")',
  )
  .describe('the bucket the copies go to');

const secretText = (max: number, what: string) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^\S+$/, 'must not contain white space')
    .describe(`${what}; write-only: stored encrypted, never returned`);

export const azureBlobDestinationBody = z
  .strictObject({
    kind: z.literal('azure_blob').describe('Azure Blob Storage'),
    container,
    connectionString: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('a storage account connection string (AccountKey or SharedAccessSignature); write-only'),
    accountUrl: urlField(
      'endpoint',
      'the blob service URL, e.g. https://account.blob.core.windows.net',
    ).optional(),
    sasToken: secretText(4096, 'a SAS token for accountUrl (with or without its leading "?")').optional(),
    ...common,
  })
  .refine((body) => !(body.connectionString !== undefined && body.accountUrl !== undefined), {
    message: 'give either connectionString or accountUrl with sasToken, not both',
    path: ['accountUrl'],
    ...alongFieldErrors,
  })
  .refine((body) => body.sasToken === undefined || body.accountUrl !== undefined, {
    message: 'required with sasToken',
    path: ['accountUrl'],
    ...alongFieldErrors,
  });

export const s3DestinationBody = z.strictObject({
  kind: z.literal('s3').describe('Amazon S3 or an S3-compatible store'),
  bucket,
  region: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'must be a region name such as eu-west-1')
    .default('us-east-1')
    .describe("the bucket's region, e.g. eu-west-1"),
  endpoint: urlField(
    'service_root',
    'an S3-compatible server, e.g. https://s3.example.com; AWS when absent',
  ).optional(),
  forcePathStyle: z
    .boolean()
    .optional()
    .describe('address buckets as path segments (most S3-compatible servers)'),
  accessKeyId: secretText(256, 'the access key id').optional(),
  secretAccessKey: secretText(256, 'the secret access key').optional(),
  ...common,
});

export const offsiteDestinationBody = z.discriminatedUnion('kind', [
  azureBlobDestinationBody,
  s3DestinationBody,
]);
export type OffsiteDestinationBody = z.infer<typeof offsiteDestinationBody>;

/** What offsite_destinations.settings holds (nothing secret). */
export type AzureBlobSettings = {
  container: string;
  prefix: string;
  /** accountUrl with a SAS token; for a connection string its blob endpoint (checked, shown). */
  blobEndpoint: string;
  auth: 'connection_string' | 'sas_token';
};
export type S3Settings = {
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string | null;
  forcePathStyle: boolean;
};

/** What credentials_ciphertext holds, decrypted. */
export type AzureBlobCredentials = { connectionString: string } | { sasToken: string };
export type S3Credentials = { accessKeyId: string; secretAccessKey: string };

export type StoredDestination =
  | { kind: 'azure_blob'; settings: AzureBlobSettings; credentials: AzureBlobCredentials }
  | { kind: 's3'; settings: S3Settings; credentials: S3Credentials };

/** The credential fields of each kind, as GET reports them (set or not, never their values). */
export const CREDENTIAL_FIELDS = {
  azure_blob: ['connectionString', 'sasToken'],
  s3: ['accessKeyId', 'secretAccessKey'],
} as const;

/** A connection string's `Key=Value` pairs (keys lower-cased), for the checks that precede the SDK's. */
export function connectionStringParts(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const pair of text.split(';')) {
    const equals = pair.indexOf('=');
    if (equals > 0) parts.set(pair.slice(0, equals).trim().toLowerCase(), pair.slice(equals + 1).trim());
  }
  return parts;
}

/**
 * The blob endpoint a connection string names, or the problem (naming no value: the string is a
 * secret). The SDK's own parser decides (BlobServiceClient.fromConnectionString, which connects
 * nowhere): it is case-sensitive, takes the first of repeated keys and wants
 * DefaultEndpointsProtocol with an AccountKey and BlobEndpoint with a SharedAccessSignature, so
 * a parser of ours would check and show one endpoint while the copy calls another, or accept a
 * string every copy then fails on. Development-storage shortcuts are refused: they mean plain
 * http on loopback.
 */
export function blobEndpointOf(connectionString: string): { endpoint: string } | { problem: string } {
  const parts = connectionStringParts(connectionString);
  if (parts.has('usedevelopmentstorage'))
    return { problem: 'UseDevelopmentStorage is not supported: give BlobEndpoint (https) and credentials' };
  if (!parts.has('accountkey') && !parts.has('sharedaccesssignature'))
    return { problem: 'must hold AccountKey or SharedAccessSignature' };
  let sdkUrl: string;
  try {
    sdkUrl = BlobServiceClient.fromConnectionString(connectionString).url;
  } catch {
    // The SDK's message is not passed on: it is not ours to promise it never quotes the string.
    return { problem: CONNECTION_STRING_FORMS };
  }
  const endpoint = sdkUrl.replace(/\?.*$/, '').replace(/\/+$/, '');
  const problem = urlFormProblem(endpoint, 'endpoint');
  return problem ? { problem: `its blob endpoint ${problem}` } : { endpoint };
}

const CONNECTION_STRING_FORMS =
  'must be DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…; with EndpointSuffix=… or BlobEndpoint=…, or BlobEndpoint=…;SharedAccessSignature=… (keys as Azure spells them)';
