// The restore routes of the route table (./routeTable.ts), kept apart to keep that file readable.
import * as r from './openapi/restoreResponses';
import { newestFirstPageQuery } from './pagination';
import type { Operation } from './routeTable';
import { createRestoreBody, restoreItemsQuery, restoreSettingsBody } from './routes/restores.schema';

const TENANT = '/v1/tenants/:tenantId';
const RESTORES = `${TENANT}/restores`;
const ONE = `${RESTORES}/:restoreId`;

const accepted = (description: string) => ({
  202: { description, schema: r.restore, location: true as const },
});

export const restoreOperations: Operation[] = [
  {
    method: 'get',
    path: `${TENANT}/restore-settings`,
    operationId: 'getRestoreSettings',
    summary: 'Whether restore is enabled in the tenant and whether applies need approval',
    tag: 'Restores',
    permission: 'tenant:read',
    replies: { 200: { description: 'the settings', schema: r.restoreSettings } },
  },
  {
    method: 'put',
    path: `${TENANT}/restore-settings`,
    operationId: 'setRestoreSettings',
    summary: 'Enable or disable restore in the tenant (owners only; audited)',
    description:
      "Restore writes to the tenant through Graph with the app registration's write permissions: " +
      'it is off until an owner turns it on. With `approvalRequired`, every apply needs a second ' +
      "manager or owner's approval. Disabling it refuses new plans and applies; running ones finish.",
    tag: 'Restores',
    permission: 'tenant:admin',
    body: restoreSettingsBody,
    replies: { 200: { description: 'the settings, changed', schema: r.restoreSettings } },
  },
  {
    method: 'post',
    path: RESTORES,
    operationId: 'createRestore',
    summary: 'Plan a restore of a backup set, or of some of its items, into the tenant',
    description:
      'Starts the RestorePlan workflow (`restore-plan-<id>`), which reads the live tenant and gives ' +
      'every item an action (update, create, noop, blocked); nothing is written to the tenant until ' +
      'an apply. `items` or `policyTypes` select part of the set (not both; neither: the whole set); ' +
      'each must be in the set (422 naming `items.<i>` or `policyTypes.<i>`). A tenant without ' +
      'restore enabled: 409 `restore_not_enabled`. Temporal unreachable: 503, the restore ends ' +
      '`plan_failed`.',
    tag: 'Restores',
    permission: 'restores:manage',
    body: createRestoreBody,
    replies: accepted('the restore, planning'),
    problems: [409, 503],
  },
  {
    method: 'get',
    path: RESTORES,
    operationId: 'listRestores',
    summary: "The tenant's restores, newest first",
    tag: 'Restores',
    permission: 'tenant:read',
    query: newestFirstPageQuery,
    replies: { 200: { description: 'a page of restores', schema: r.restorePage } },
  },
  {
    method: 'get',
    path: ONE,
    operationId: 'getRestore',
    summary: 'A restore: status, options, counts, plan hash, approval, rounds, timestamps',
    tag: 'Restores',
    permission: 'tenant:read',
    replies: { 200: { description: 'the restore', schema: r.restore } },
  },
  {
    method: 'get',
    path: `${ONE}/items`,
    operationId: 'listRestoreItems',
    summary: "The plan's items in plan order, with their actions and outcomes",
    description:
      'The changes of script types show without values (`valuesWithheld`) to callers without ' +
      '`scripts:read`, as the changes of backup sets do.',
    tag: 'Restores',
    permission: 'tenant:read',
    query: restoreItemsQuery,
    replies: { 200: { description: 'a page of items', schema: r.restoreItemPage } },
  },
  {
    method: 'post',
    path: `${ONE}/approve`,
    operationId: 'approveRestore',
    summary: 'Approve a planned restore (a second manager or owner)',
    description:
      'Only when the tenant requires approval (else 409 `approval_not_required`), only a `planned` ' +
      'restore, and never by the user who requested the plan (409 `approver_is_requester`).',
    tag: 'Restores',
    permission: 'restores:manage',
    replies: { 200: { description: 'the restore, approved', schema: r.restore } },
    problems: [409],
  },
  {
    method: 'post',
    path: `${ONE}/apply`,
    operationId: 'applyRestore',
    summary: 'Apply the plan: start apply round n + 1 (RestoreRun workflow restore-run-<id>-<n>)',
    description:
      'From `planned`, or again from `partial`, `failed` or `canceled`: the ledger makes a re-apply ' +
      'finish the remaining steps and create nothing twice. 409 `approval_required` without a needed ' +
      'approval, `restore_in_progress` while planning or applying (also for the second of two ' +
      'concurrent applies), `restore_not_enabled` when restore was disabled meanwhile. Temporal ' +
      'unreachable: 503 and the status is rolled back.',
    tag: 'Restores',
    permission: 'restores:manage',
    replies: accepted('the restore, applying'),
    problems: [409, 503],
  },
  {
    method: 'post',
    path: `${ONE}/cancel`,
    operationId: 'cancelRestore',
    summary: 'Cancel the running plan or apply round',
    description:
      'Cancels the workflow (as cancelling it in the Temporal UI does); it stops between steps, ' +
      'keeps the ledger consistent and records `canceled`. Nothing running: 409 `restore_wrong_status`.',
    tag: 'Restores',
    permission: 'restores:manage',
    replies: { 200: { description: 'the restore, cancel requested', schema: r.restore } },
    problems: [409, 503],
  },
];
