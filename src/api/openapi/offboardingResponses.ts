// The answer of DELETE /v1/tenants/{tenantId} (mirrors ../offboardingSerializers.ts).
import { z } from 'zod';
import { component } from './responses';

const instant = z.iso.datetime().describe('ISO 8601, UTC');

export const tenantOffboarding = component(
  'TenantOffboarding',
  'An offboarded tenant: its schedules are gone, its Graph client secret erased, its backups ' +
    'read-only (every write route answers 409 tenant_offboarded) until purgeAfter, when the ' +
    'purge workflow deletes everything of it.',
  z
    .strictObject({
      tenantId: z.uuid().describe('the tenant id'),
      slug: z.string().describe("the tenant's slug (gone with the tenant at purge)"),
      offboardedAt: instant.describe('when it was offboarded (the first DELETE)'),
      offboardedBy: z.string().describe('who offboarded it: user:<id>'),
      purgeAfter: instant.describe('when the purge workflow deletes everything of the tenant'),
      hasClientSecret: z.boolean().describe('false: the Graph client secret is erased'),
      purgeWorkflowId: z.string().describe('the Temporal workflow that purges the tenant'),
      schedulesDeleted: z
        .int()
        .describe('Temporal Schedules this request paused and deleted (0 on a repeat)'),
      workflowsCanceled: z.int().describe('running backup runs and restores this request asked to cancel'),
    })
    .meta({
      examples: [
        {
          tenantId: '3f2b8c1e-5a6d-4e7f-8a9b-0c1d2e3f4a5b',
          slug: 'contoso',
          offboardedAt: '2026-12-20T09:30:00.000Z',
          offboardedBy: 'user:9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
          purgeAfter: '2027-01-19T09:30:00.000Z',
          hasClientSecret: false,
          purgeWorkflowId: 'tenant-purge-3f2b8c1e-5a6d-4e7f-8a9b-0c1d2e3f4a5b',
          schedulesDeleted: 2,
          workflowsCanceled: 0,
        },
      ],
    }),
);
