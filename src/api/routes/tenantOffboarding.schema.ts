// DELETE /v1/tenants/{tenantId}: what the request carries (src/services/tenantOffboarding.ts).
import { z } from 'zod';

export const offboardTenantBody = z
  .strictObject({
    confirmSlug: z
      .string()
      .max(63)
      .describe("the tenant's slug, typed out: a wrong or missing one is a 422 and changes nothing"),
  })
  .describe('Confirms which tenant is offboarded.')
  .meta({ examples: [{ confirmSlug: 'contoso' }] });

export const offboardTenantQuery = z.strictObject({
  purge: z
    .enum(['now'])
    .optional()
    .describe(
      '`now`: purge at once instead of after OFFBOARDED_TENANT_RETENTION_DAYS (also on an already ' +
        'offboarded tenant); refused with 409 while a backup set is under a legal hold',
    ),
});
