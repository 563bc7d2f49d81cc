// Request schemas of /v1/tenants/{tenantId}/restores and …/restore-settings, parsed by the routes
// and documented from the route table.
import { z } from 'zod';
import { POLICY_TYPE_KEYS } from '../../graph';
import {
  ASSIGNMENT_OPTIONS,
  CONDITIONAL_ACCESS_STATES,
  ITEM_ACTIONS,
  ITEM_OUTCOMES,
  RESTORE_MODES,
} from '../../restore/types';
import { alongFieldErrors } from '../../shared/crossFieldRules';
import { pageQuery } from '../pagination';

export const restoreSettingsBody = z
  .strictObject({
    enabled: z.boolean().describe('whether managers and owners may plan and apply restores in this tenant'),
    approvalRequired: z
      .boolean()
      .describe("whether an apply needs a second manager or owner's approval (not the planner's)"),
  })
  .meta({ examples: [{ enabled: true, approvalRequired: true }] });

const policyType = z.enum(POLICY_TYPE_KEYS).describe('a policy type key, e.g. settingsCatalog');

export const createRestoreBody = z
  .strictObject({
    backupSetId: z.uuid().describe('a backup set of this tenant: what is restored'),
    items: z
      .array(
        z.strictObject({
          policyType,
          graphId: z.string().trim().min(1).max(300).describe("the policy's Graph id in the backup set"),
        }),
      )
      .min(1)
      .max(5000)
      .refine(
        (items) =>
          new Set(items.map((item) => `${item.policyType}\u0000${item.graphId}`)).size === items.length,
        'each item once',
      )
      .describe('only these items of the set (not with policyTypes)')
      .optional(),
    policyTypes: z
      .array(policyType)
      .min(1)
      .max(POLICY_TYPE_KEYS.length)
      .refine((types) => new Set(types).size === types.length, 'each type once')
      .describe('every item of these types in the set (not with items); neither: the whole set')
      .optional(),
    mode: z
      .enum(RESTORE_MODES)
      .describe(
        'in_place: update live objects, re-create deleted ones; missing_only: only re-create deleted ones; as_copy: create every item anew',
      ),
    assignments: z
      .enum(ASSIGNMENT_OPTIONS)
      .describe('restore: write the backed-up assignments (the complete list); skip: leave them as they are'),
    conditionalAccessState: z
      .enum(CONDITIONAL_ACCESS_STATES)
      .default('report_only')
      .describe(
        "what a Conditional Access policy's state becomes: report_only (default) or as_backed_up, which may enforce a blocking policy at once",
      ),
  })
  .refine((body) => body.items === undefined || body.policyTypes === undefined, {
    path: ['policyTypes'],
    message: 'give items or policyTypes, not both (neither restores the whole set)',
    ...alongFieldErrors,
  })
  .meta({
    examples: [
      {
        backupSetId: '0b9e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
        mode: 'missing_only',
        assignments: 'skip',
      },
    ],
  });

export const restoreItemsQuery = pageQuery
  .extend({
    action: z.enum(ITEM_ACTIONS).optional().describe('only items the plan gave this action'),
    outcome: z.enum(ITEM_OUTCOMES).optional().describe('only items that ended with this outcome'),
  })
  .strict();
