// Sync: Graph -> Postgres for each selected policy type, page by page so memory stays bounded by
// one page whatever the tenant's size. Each page goes into the run's own capture (what its backup
// set will hold) and the tenant's current state (src/db/policies.ts). A type that cannot be
// fetched completely is reported with its reason (syncOutcome.ts); it is never reported `ok` with
// fewer items, and its `fetched` is the number of distinct policies the run captured.
import { setMaxListeners } from 'node:events';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Tenant } from '../db/client';
import { completeTypeCapture, databaseNow, restartTypeCapture, takeCaptureOwnership } from '../db/capture';
import { holdSyncLease, releaseSyncLease, renewSyncLease } from '../db/syncLeases';
import { type CaptureOwner, type PageTarget, type PolicyRow, writePolicyPage } from '../db/policies';
import { storeSettingDefinitions } from '../db/settingDefinitions';
import { storeSettingValues } from '../db/settingValues';
import { findTenant } from '../db/tenants';
import {
  canonicalFormOf,
  canonicalize,
  ENCRYPTED_SETTINGS,
  type EncryptedSettingRule,
  type FetchedPolicy,
  GraphAuthError,
  type GraphClient,
  type GraphTenantCredentials,
  isPolicyTypeKey,
  LISTING_SIGNAL_LISTENERS,
  POLICY_TYPES,
  type PolicyTypeKey,
} from '../graph';
import { SecretUndecryptableError, type StoredSettingValue, type TenantSecretCipher } from '../secrets';
import { SYNC_HEARTBEAT_INTERVAL_MS, SYNC_MAX_ATTEMPTS } from '../shared/constants';
import type { PolicyTypeSummary } from '../shared/types';
import { referenceKey, referencesOf, rulesFor } from '../references';
import { activityLogger } from './activityLogger';
import { captureAuditEvents } from './captureAuditEvents';
import { captureReferences } from './captureReferences';
import type { ActivityDeps } from './deps';
import { hasUnreadableValues, sealEncryptedSettings, unreadableValuesWarning } from './encryptedSettings';
import { SettingDefinitionSink } from './settingDefinitions';
import { emptySummary, failureForRefusedEndpoint, outcomeForFailure } from './syncOutcome';

export interface SyncPoliciesInput {
  runId: string;
  tenantId: string;
  policyTypes: string[];
}

export type SyncPoliciesResult = Record<string, PolicyTypeSummary>;

/**
 * Heartbeat details: what the Temporal UI shows while a sync runs, and what a retried attempt
 * resumes from (types already finished are not fetched again).
 */
export interface SyncProgress {
  typesDone: number;
  typesTotal: number;
  itemsFetched: number;
  current: string;
  done: SyncPoliciesResult;
}

export function createSyncPolicies({ db, graph, logger, secrets }: ActivityDeps) {
  return async function syncPolicies(input: SyncPoliciesInput): Promise<SyncPoliciesResult> {
    const context = Context.current();
    const tenant = await findTenant(db, input.tenantId);
    if (!tenant)
      throw ApplicationFailure.nonRetryable(`tenant ${input.tenantId} does not exist`, 'tenant_not_found');
    const client = await graph
      .forTenant(tenant.id, graphCredentials(tenant, secrets))
      .catch(failureForRefusedEndpoint);
    const resumed = context.info.heartbeatDetails as SyncProgress | undefined;
    const progress: SyncProgress = {
      typesDone: 0,
      typesTotal: input.policyTypes.length,
      itemsFetched: 0,
      current: '',
      done: resumed?.done ?? {},
    };
    const lastAttempt = context.info.attempt >= SYNC_MAX_ATTEMPTS;
    // One per attempt, across its types: each distinct catalog definition is stored once.
    const definitions = new SettingDefinitionSink();
    // This attempt owns the run's capture from here on: an older attempt still running (its
    // worker lost Temporal, not the database) can no longer write to it.
    const owner = { runId: input.runId, attempt: context.info.attempt };
    await takeCaptureOwnership(db, owner);
    await holdSyncLease(db, tenant.id, input.runId);
    // Also heartbeat while a page waits on Graph (Retry-After, a slow item): the heartbeat
    // timeout is what detects a dead worker, so it must stay short without failing live ones.
    // The tenant sync lease is renewed at the same pace; a failed renewal (database down) only
    // lets the lease run out, it must not end the sync.
    const alive = setInterval(() => {
      context.heartbeat(progress);
      renewSyncLease(db, input.runId).catch((error: unknown) =>
        activityLogger(logger).warn({ err: error, runId: input.runId }, 'could not renew the sync lease'),
      );
    }, SYNC_HEARTBEAT_INTERVAL_MS);
    try {
      for (const type of input.policyTypes) {
        progress.current = type;
        progress.done[type] ??= await syncOneType(
          client,
          { ...owner, tenantId: tenant.id, policyType: type },
          { lastAttempt, definitions },
          (items) => {
            progress.itemsFetched += items;
            context.heartbeat(progress);
          },
        );
        progress.typesDone += 1;
        context.heartbeat(progress);
      }
      progress.current = 'references';
      await syncReferences(client, owner, tenant.id, input.policyTypes, progress.done, lastAttempt);
      progress.current = 'auditEvents';
      await syncAuditEvents(client, owner, tenant.id, input.policyTypes);
    } finally {
      clearInterval(alive);
    }
    // Done: the tenant's next run may sync. (A failed attempt keeps the lease while Temporal
    // retries it; the run's end releases what is left.)
    await releaseSyncLease(db, input.runId);
    return Object.fromEntries(
      input.policyTypes.map((type) => [type, progress.done[type] as PolicyTypeSummary]),
    );
  };

  /**
   * What the policies of the types captured completely (those the set will hold) reference; the
   * outcome goes to the run's record, not its result: it is no policy type and cannot make the
   * run partial or failed.
   */
  async function syncReferences(
    client: GraphClient,
    owner: CaptureOwner,
    tenantId: string,
    types: readonly string[],
    done: SyncPoliciesResult,
    lastAttempt: boolean,
  ): Promise<void> {
    const policyTypes = types.filter((type) => done[type]?.outcome === 'ok');
    const signal = Context.current().cancellationSignal;
    const references = await captureReferences({ db, client, owner, policyTypes, lastAttempt, signal });
    if (references.outcome !== 'ok') {
      const { outcome, requiredPermissions, resolved, missing, unreadable } = references;
      activityLogger(logger).warn(
        { runId: owner.runId, tenantId, outcome, requiredPermissions, resolved, missing, unreadable },
        'referenced objects not all readable',
      );
    }
  }

  /** Who changed what (captureAuditEvents.ts): like references, on the run's record only. */
  async function syncAuditEvents(
    client: GraphClient,
    owner: CaptureOwner,
    tenantId: string,
    policyTypes: readonly string[],
  ): Promise<void> {
    const signal = Context.current().cancellationSignal;
    const outcome = await captureAuditEvents({ db, client, owner, tenantId, policyTypes, signal });
    for (const [source, read] of Object.entries(outcome)) {
      if (read.outcome === 'ok') continue;
      activityLogger(logger).warn({ runId: owner.runId, tenantId, source, ...read }, 'audit log not read');
    }
  }

  /** The type's summary; a type not captured completely is logged with its reason. */
  async function syncOneType(
    client: GraphClient,
    target: PageTarget,
    options: SyncTypeOptions,
    onPage: (items: number) => void,
  ): Promise<PolicyTypeSummary> {
    const { runId, tenantId, policyType: type } = target;
    const summary = isPolicyTypeKey(type)
      ? await syncType(client, target, options, onPage)
      : emptySummary('failed', `unknown policy type "${type}"`);
    if (summary.outcome !== 'ok') {
      const { outcome, reason, requiredPermission } = summary;
      activityLogger(logger).warn(
        { runId, tenantId, policyType: type, outcome, reason, requiredPermission },
        'policy type not captured completely',
      );
    }
    for (const { code, count, requiredPermission } of summary.warnings ?? []) {
      activityLogger(logger).warn(
        { runId, tenantId, policyType: type, warning: code, policies: count, requiredPermission },
        'policy type captured with items lacking data',
      );
    }
    return summary;
  }

  async function syncType(
    client: GraphClient,
    target: PageTarget,
    { lastAttempt, definitions }: SyncTypeOptions,
    onPage: (items: number) => void,
  ): Promise<PolicyTypeSummary> {
    const type = target.policyType as PolicyTypeKey;
    const definition = POLICY_TYPES[type];
    const rule = ENCRYPTED_SETTINGS[type];
    const seal = { tenantId: target.tenantId, cipher: secrets.settingValues };
    const references = rulesFor(type);
    // Graph id -> display name of the policies whose encrypted values could not be read.
    const unreadable = new Map<string, string>();
    // A type fetched again (a retried attempt) starts from an empty capture.
    await restartTypeCapture(db, target);
    const listingStartedAt = await databaseNow(db);
    const summary = emptySummary('ok');
    let pagesWritten = 0;
    try {
      // A failed write stops the listing at once, not when the next page arrives (which can be
      // minutes away behind a Graph Retry-After).
      const writeFailed = new AbortController();
      const listing = AbortSignal.any([Context.current().cancellationSignal, writeFailed.signal]);
      // Every request in flight listens on it: more than Node's warning threshold (10) with 15
      // item lanes, and no leak. A leak still warns.
      setMaxListeners(LISTING_SIGNAL_LISTENERS, listing);
      await pipelinePages(
        client.fetchPolicyRecords(
          type,
          (policy) => {
            // Taken off the policy first: only the distinct ones stay in memory, the rest is
            // garbage before the payload is serialized.
            const fresh = definitions.take(policy.settingDefinitions);
            delete policy.settingDefinitions;
            return { ...toCaptured(policy, type, rule, seal, references), definitions: fresh };
          },
          {
            signal: listing,
          },
        ),
        writeFailed,
        async (page) => {
          for (const { row } of page.filter((captured) => captured.unreadable))
            unreadable.set(row.graphId, row.displayName);
          // Before the page: no stored payload may refer to a value that is not stored. The
          // definitions go with the page too (no pass of their own), in the same round.
          await Promise.all([
            storeSettingValues(
              db,
              page.flatMap((captured) => captured.values),
            ),
            storeSettingDefinitions(
              db,
              page.flatMap((captured) => captured.definitions),
            ),
          ]);
          const rows = dedupeByGraphId(page.map((captured) => captured.row));
          const counts = await writePolicyPage(db, target, rows);
          summary.added += counts.added;
          summary.modified += counts.modified;
          pagesWritten += rows.length;
          onPage(rows.length);
        },
      );
    } catch (error) {
      if (error instanceof GraphAuthError) {
        activityLogger(logger).error(
          { tenantId: target.tenantId, policyType: type, error: error.message },
          'Graph authentication failed',
        );
      }
      return outcomeForFailure(error, {
        permission: definition.permission,
        fetchedSoFar: pagesWritten,
        lastAttempt,
      });
    }
    // Distinct policies (Graph can repeat an item across pages while a collection changes); and
    // only a complete listing may mark policies deleted.
    const completed = await completeTypeCapture(db, target, listingStartedAt);
    const warning = unreadableValuesWarning(rule, unreadable);
    return { ...summary, ...completed, ...(warning ? { warnings: [warning] } : {}) };
  }
}

/**
 * Writes each page while the next one is fetched: Graph latency and the database round trip
 * overlap instead of adding up, and at most two pages are held at once. A failed write aborts
 * `writeFailed` (the listing's signal, so the fetch in flight stops) and is rethrown, never left
 * as a promise nobody awaits (an unhandled rejection would take the whole worker down).
 */
export async function pipelinePages<T>(
  pages: AsyncGenerator<T>,
  writeFailed: AbortController,
  write: (page: T) => Promise<void>,
): Promise<void> {
  let writing: Promise<void> | undefined;
  let writeFailure: { error: unknown } | undefined;
  try {
    for await (const page of pages) {
      await writing;
      if (writeFailure) break;
      writing = write(page).catch((error: unknown) => {
        writeFailure = { error };
        writeFailed.abort(error);
      });
    }
    await writing;
  } catch (error) {
    // A fetch error: let the write in flight finish (or fail) before the caller decides.
    await writing;
    throw writeFailure?.error ?? error;
  }
  if (writeFailure) throw writeFailure.error;
}

/**
 * The tenant's Graph credentials: the one place a client secret is decrypted. A secret that does
 * not decrypt fails the run (`secret_undecryptable`, no retry): only an operator can fix the keys.
 */
export function graphCredentials(tenant: Tenant, secrets: TenantSecretCipher): GraphTenantCredentials {
  try {
    return {
      azureTenantId: tenant.azureTenantId,
      clientId: tenant.clientId,
      clientSecret: secrets.decrypt(tenant),
      graphBaseUrl: tenant.graphBaseUrl,
      loginBaseUrl: tenant.loginBaseUrl,
    };
  } catch (error) {
    if (!(error instanceof SecretUndecryptableError)) throw error;
    throw ApplicationFailure.create({ message: error.message, type: error.code, nonRetryable: true });
  }
}

interface SyncTypeOptions {
  lastAttempt: boolean;
  definitions: SettingDefinitionSink;
}

interface CapturedPolicy {
  row: PolicyRow;
  /** Encrypted setting values the payload refers to by fingerprint (./encryptedSettings.ts). */
  values: StoredSettingValue[];
  /** The policy has encrypted setting values the fetch could not read. */
  unreadable: boolean;
}

function toCaptured(
  policy: FetchedPolicy,
  type: PolicyTypeKey,
  rule: EncryptedSettingRule | undefined,
  seal: Parameters<typeof sealEncryptedSettings>[2],
  references: ReturnType<typeof rulesFor>,
): CapturedPolicy {
  const { payload, values } = sealEncryptedSettings(policy, rule, seal);
  const form = canonicalFormOf(type, payload);
  const canonical = canonicalize(payload, form.volatileFields, form.arrays);
  // Found now, while the payload is in memory: the references step reads only these.
  const referenced = referencesOf(payload, references, form.volatile).map(referenceKey);
  const row = {
    graphId: policy.graphId,
    displayName: policy.displayName,
    canonicalJson: canonical.json,
    sha256: canonical.sha256,
    sizeBytes: canonical.sizeBytes,
    graphLastModified: policy.lastModified,
    referenced,
  };
  return { row, values, unreadable: hasUnreadableValues(policy) };
}

// Graph can repeat an item across pages when the collection changes during paging; one
// statement may not upsert the same key twice.
function dedupeByGraphId(rows: PolicyRow[]): PolicyRow[] {
  return [...new Map(rows.map((row) => [row.graphId, row])).values()];
}
