// Sync: Graph -> Postgres for each selected policy type, page by page so memory stays
// bounded by one page whatever the tenant's size. A type that cannot be fetched completely
// is reported with its reason; it is never reported `ok` with fewer items.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { markVanishedPolicies, type PolicyRow, upsertPolicyPage } from '../db/policies';
import { findTenant } from '../db/tenants';
import {
  canonicalize,
  GraphAuthError,
  GraphProtocolError,
  GraphRequestError,
  isPolicyTypeKey,
  POLICY_TYPES,
  type PolicyTypeKey,
} from '../graph';
import type { PolicyTypeSummary } from '../shared/types';
import type { ActivityDeps } from './deps';

export interface SyncPoliciesInput {
  runId: string;
  tenantId: string;
  policyTypes: string[];
}

export type SyncPoliciesResult = Record<string, PolicyTypeSummary>;

export function createSyncPolicies({ db, graph }: ActivityDeps) {
  return async function syncPolicies(input: SyncPoliciesInput): Promise<SyncPoliciesResult> {
    const tenant = await findTenant(db, input.tenantId);
    if (!tenant)
      throw ApplicationFailure.nonRetryable(`tenant ${input.tenantId} does not exist`, 'tenant_not_found');
    const client = graph.forTenant(tenant.id, tenant);
    const result: SyncPoliciesResult = {};
    const progress = { typesDone: 0, typesTotal: input.policyTypes.length, itemsFetched: 0, current: '' };

    for (const type of input.policyTypes) {
      progress.current = type;
      if (!isPolicyTypeKey(type)) {
        result[type] = emptySummary('failed', `unknown policy type "${type}"`);
        continue;
      }
      result[type] = await syncOneType(type, async (page) => {
        progress.itemsFetched += page;
        Context.current().heartbeat(progress);
      });
      progress.typesDone += 1;
      Context.current().heartbeat(progress);
    }
    return result;

    async function syncOneType(
      type: PolicyTypeKey,
      onPage: (items: number) => Promise<void>,
    ): Promise<PolicyTypeSummary> {
      const definition = POLICY_TYPES[type];
      const syncStartedAt = new Date();
      const summary = emptySummary('ok');
      try {
        for await (const page of client.fetchPolicyPages(type, {
          signal: Context.current().cancellationSignal,
        })) {
          const rows = dedupeByGraphId(
            page.map((policy): PolicyRow => {
              const canonical = canonicalize(policy.payload, definition.volatileFields);
              return {
                graphId: policy.graphId,
                displayName: policy.displayName,
                canonicalJson: canonical.json,
                sha256: canonical.sha256,
                graphLastModified: policy.lastModified,
              };
            }),
          );
          const counts = await upsertPolicyPage(db, input.tenantId, type, syncStartedAt, rows);
          summary.fetched += rows.length;
          summary.added += counts.added;
          summary.modified += counts.modified;
          await onPage(rows.length);
        }
      } catch (error) {
        return classifyFailure(error, definition.permission, summary);
      }
      // Only a complete listing may mark policies deleted.
      summary.removed = await markVanishedPolicies(db, input.tenantId, type, syncStartedAt);
      return summary;
    }
  };
}

function classifyFailure(error: unknown, permission: string, partial: PolicyTypeSummary): PolicyTypeSummary {
  if (error instanceof GraphAuthError) {
    throw ApplicationFailure.nonRetryable(error.message, 'graph_auth_failed');
  }
  if (error instanceof GraphRequestError) {
    if (error.status === 403) {
      return {
        ...emptySummary('permission_missing', `Graph answered 403 on ${error.path}`),
        requiredPermission: permission,
      };
    }
    if (error.status === 400 || error.status === 404) {
      return emptySummary(
        'unsupported',
        `Graph answered ${error.status} on ${error.path}: the tenant lacks this feature`,
      );
    }
    return { ...emptySummary('failed', error.message), fetched: partial.fetched };
  }
  if (error instanceof GraphProtocolError)
    return { ...emptySummary('failed', error.message), fetched: partial.fetched };
  // Database and programming errors: let Temporal retry the activity.
  throw error;
}

function emptySummary(outcome: PolicyTypeSummary['outcome'], reason?: string): PolicyTypeSummary {
  return { outcome, ...(reason ? { reason } : {}), fetched: 0, added: 0, modified: 0, removed: 0 };
}

// Graph can repeat an item across pages when the collection changes during paging; one
// statement may not upsert the same key twice.
function dedupeByGraphId(rows: PolicyRow[]): PolicyRow[] {
  return [...new Map(rows.map((row) => [row.graphId, row])).values()];
}
