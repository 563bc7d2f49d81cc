// The offsite destination as GET and PUT answer it (mirrors ../offsiteSerializers.ts).
import { z } from 'zod';
import { component } from './responses';

const instant = z.iso.datetime().describe('ISO 8601, UTC');

const azureSettings = z.strictObject({
  container: z.string(),
  prefix: z.string(),
  blobEndpoint: z.string().describe("accountUrl, or the connection string's blob endpoint"),
  auth: z.enum(['connection_string', 'sas_token']),
});
const s3Settings = z.strictObject({
  bucket: z.string(),
  prefix: z.string(),
  region: z.string(),
  endpoint: z.string().nullable().describe('null: AWS'),
  forcePathStyle: z.boolean(),
});

export const offsiteDestination = component(
  'OffsiteDestination',
  "The tenant's offsite destination: where every successful or partial run's export archive and " +
    'manifest are copied. Credentials are write-only: `credentialsSet` names the credential ' +
    'fields stored (encrypted), never their values.',
  z
    .strictObject({
      tenantId: z.uuid(),
      kind: z.enum(['azure_blob', 's3']),
      settings: z.union([azureSettings, s3Settings]),
      credentialsSet: z.array(z.enum(['connectionString', 'sasToken', 'accessKeyId', 'secretAccessKey'])),
      immutabilityDays: z.int().nullable(),
      enabled: z.boolean(),
      createdAt: instant,
      updatedAt: instant,
      updatedBy: z.string().nullable(),
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
