// Request schemas of /v1/baselines, parsed by the routes and documented from the route table.
import { z } from 'zod';
import { POLICY_TYPE_KEYS } from '../../graph';
import { BUCKETS } from '../../db/baselineCompare';
import { pageQuery } from '../pagination';

export const createBaselineBody = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('unique among the tenant\'s baselines, e.g. "CIS L1 2026-11"'),
    tenantId: z.uuid().describe('the tenant whose set is pinned: the caller must be its manager or owner'),
    backupSetId: z.uuid().describe('a backup set of that tenant'),
  })
  .meta({
    examples: [
      {
        name: 'CIS L1 2026-11',
        tenantId: '6f1c3b2a-8d4e-4f5a-9b7c-2e1d0a9f8b76',
        backupSetId: '0b9e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
      },
    ],
  });

export const baselinesQuery = pageQuery
  .extend({ tenantId: z.uuid().optional().describe("only this tenant's baselines") })
  .strict();

const graphId = z.string().trim().min(1).max(300);

export const mappingsBody = z
  .strictObject({
    tenantId: z.uuid().describe('the compared tenant these matches are for (the caller must read it)'),
    mappings: z
      .array(
        z.strictObject({
          policyType: z.enum(POLICY_TYPE_KEYS).describe('a policy type key, e.g. settingsCatalog'),
          baselineGraphId: graphId.describe("the policy's Graph id in the baseline's set"),
          tenantGraphId: graphId.describe("the policy's Graph id in the compared tenant"),
        }),
      )
      .max(2000)
      .describe("every explicit match with this tenant: replaces the baseline's earlier ones"),
  })
  .meta({
    examples: [
      {
        tenantId: '6f1c3b2a-8d4e-4f5a-9b7c-2e1d0a9f8b76',
        mappings: [
          {
            policyType: 'settingsCatalog',
            baselineGraphId: 'a1b2c3d4-0000-4000-8000-000000000001',
            tenantGraphId: 'e5f6a7b8-0000-4000-8000-000000000002',
          },
        ],
      },
    ],
  });

// Compares are computed per request; the cursor is where the previous page ended and which set
// of the tenant it compared, so the next page compares the same set even after a newer one.
const NOT_A_CURSOR = 'must be a cursor returned as nextCursor';
const CURSOR = /^o([0-9]{1,7})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const compareCursor = z
  .string()
  .regex(CURSOR, NOT_A_CURSOR)
  .transform((cursor) => {
    const [, offset, backupSetId] = CURSOR.exec(cursor) as RegExpExecArray;
    return { offset: Number(offset), backupSetId: backupSetId as string };
  });

export const compareCursorOf = (offset: number, backupSetId: string) => `o${offset}.${backupSetId}`;

export const compareQuery = z.strictObject({
  tenantId: z.uuid().describe('the tenant to compare with the baseline (the caller must read it)'),
  backupSetId: z.uuid().optional().describe("one of that tenant's sets; default: its newest"),
  bucket: z.enum(BUCKETS).optional().describe('only the items of this bucket'),
  policyType: z.enum(POLICY_TYPE_KEYS).optional().describe('only the items of this policy type'),
  limit: pageQuery.shape.limit,
  cursor: compareCursor
    .optional()
    .describe('the nextCursor of the previous page: an opaque string, to be passed back as it came'),
});
