// The offsite destination as GET and PUT answer it (mirrors ../offsiteSerializers.ts).
import { z } from 'zod';
import { component } from './responses';

const instant = z.iso.datetime().describe('ISO 8601, UTC');

const prefix = z.string().describe('prepended to every object name, e.g. "tenantvault/"; empty: none');
const azureSettings = z.strictObject({
  container: z.string().describe('the blob container the copies go to'),
  prefix,
  blobEndpoint: z.string().describe("accountUrl, or the connection string's blob endpoint"),
  auth: z
    .enum(['connection_string', 'sas_token'])
    .describe('which credential authenticates: a connection string or a SAS token'),
});
const s3Settings = z.strictObject({
  bucket: z.string().describe('the bucket the copies go to'),
  prefix,
  region: z.string().describe("the bucket's region, e.g. eu-west-1"),
  endpoint: z.string().nullable().describe('the S3-compatible endpoint URL; null: AWS'),
  forcePathStyle: z.boolean().describe('whether buckets are addressed as path segments'),
});

export const offsiteDestination = component(
  'OffsiteDestination',
  "The tenant's offsite destination: where every successful or partial run's export archive and " +
    'manifest are copied. Credentials are write-only: `credentialsSet` names the credential ' +
    'fields stored (encrypted), never their values.',
  z
    .strictObject({
      tenantId: z.uuid().describe('the tenant id'),
      kind: z
        .enum(['azure_blob', 's3'])
        .describe('azure_blob: Azure Blob Storage; s3: Amazon S3 or an S3-compatible store'),
      settings: z
        .union([azureSettings, s3Settings])
        .describe(
          'where the copies go: {container, prefix, blobEndpoint, auth} for azure_blob, {bucket, prefix, region, endpoint, forcePathStyle} for s3',
        ),
      credentialsSet: z
        .array(z.enum(['connectionString', 'sasToken', 'accessKeyId', 'secretAccessKey']))
        .describe('the credential fields stored (encrypted), never their values'),
      immutabilityDays: z
        .int()
        .nullable()
        .describe('days each copied object stays immutable (WORM) where the store supports it; null: none'),
      enabled: z.boolean().describe('false: the destination is kept but nothing is copied'),
      createdAt: instant,
      updatedAt: instant,
      updatedBy: z.string().nullable().describe('"user:<id>" of who last changed it; null: unknown'),
    })
    .meta({
      examples: [
        {
          tenantId: '3f1c2d9e-8b7a-4c6d-9e5f-1a2b3c4d5e6f',
          kind: 'azure_blob',
          settings: {
            container: 'tenantvault-offsite',
            prefix: 'tenantvault/',
            blobEndpoint: 'https://contosobackups.blob.core.windows.net',
            auth: 'sas_token',
          },
          credentialsSet: ['sasToken'],
          immutabilityDays: 90,
          enabled: true,
          createdAt: '2026-12-15T09:00:00.000Z',
          updatedAt: '2026-12-15T09:00:00.000Z',
          updatedBy: 'user:7d2e1f0a-5b4c-4d3e-8f9a-0b1c2d3e4f5a',
        },
      ],
    }),
);
