// As-built documentation of a backup set (docs/export.md, "As-built documentation"): everything that can
// refuse the request (the set, the changesSince set, the format) is checked in prepareDocumentation,
// before the route sends a byte; `write` then streams the document.
import type { Db } from '../db/client';
import { itemCountsByType } from '../db/documentation';
import { findRun } from '../db/runs';
import { policyTypeLabel, writeDocumentation } from '../export/documentation/document';
import {
  type AppendixChange,
  type AppendixField,
  DOCUMENTATION_CONTENT_TYPES,
  type DocumentationFormat,
  type DocumentSummary,
  SECRET_NOTE,
  WITHHELD_VALUE,
} from '../export/documentation/model';
import { mayHoldScripts, unescapeStoredJson, unescapeStoredText } from '../graph';
import type { AuditActorEvent } from '../db/graphAuditEvents';
import type { RunSummary } from '../shared/types';
import { getBackupSet } from './backupSets';
import { getBackupSetDiff } from './diffs';
import { InvalidInputError, NotFoundError } from './errors';
import { getTenant } from './tenants';

export interface DocumentationRequest {
  tenantId: string;
  setId: string;
  format: DocumentationFormat;
  /** A set of the same tenant: the appendix lists the changes from it to `setId` (md, html). */
  changesSince?: string;
  /** Without it, script types' settings are withheld, as the items API withholds their payloads. */
  mayReadScripts: boolean;
}

export interface PreparedDocument {
  contentType: string;
  fileName: string;
  write(out: NodeJS.WritableStream): Promise<void>;
}

const CHANGES_PAGE = 200;

export async function prepareDocumentation(db: Db, request: DocumentationRequest): Promise<PreparedDocument> {
  const tenant = await getTenant(db, request.tenantId);
  const set = await getBackupSet(db, request.tenantId, request.setId);
  let since: Awaited<ReturnType<typeof getBackupSet>> | null = null;
  if (request.changesSince !== undefined) {
    if (request.format === 'csv')
      throw new InvalidInputError('changesSince', 'is for md and html: CSV rows are settings, not changes');
    if (request.changesSince === set.id)
      throw new InvalidInputError('changesSince', 'must be another backup set');
    since = await getBackupSet(db, request.tenantId, request.changesSince).catch((error: unknown) => {
      if (error instanceof NotFoundError)
        throw new InvalidInputError('changesSince', 'must be the id of another backup set of this tenant');
      throw error;
    });
  }
  const [counts, run] = await Promise.all([itemCountsByType(db, set.id), findRun(db, tenant.id, set.runId)]);
  const outcomes = (run?.summary as RunSummary | null)?.types ?? {};
  const summary: DocumentSummary = {
    tenant: { id: tenant.id, displayName: tenant.displayName, azureTenantId: tenant.azureTenantId },
    backupSetId: set.id,
    capturedAt: set.createdAt,
    run: run ? { id: run.id, status: run.status } : null,
    types: [...counts].map(([policyType, count]) => ({
      policyType,
      label: policyTypeLabel(policyType),
      count,
      outcome: outcomes[policyType]?.outcome ?? null,
    })),
    itemCount: [...counts.values()].reduce((sum, n) => sum + n, 0),
    changesSince: since ? { backupSetId: since.id, capturedAt: since.createdAt } : null,
  };
  const stamp = set.createdAt.toISOString().replace(/[:.]/g, '-');
  return {
    contentType: DOCUMENTATION_CONTENT_TYPES[request.format],
    fileName: `${tenant.slug}-${stamp}-as-built.${request.format}`,
    write: (out) =>
      writeDocumentation(
        db,
        {
          summary,
          format: request.format,
          mayReadScripts: request.mayReadScripts,
          ...(since ? { appendix: appendixChanges(db, request, since.id) } : {}),
        },
        out,
      ),
  };
}

/** The changes from `sinceId` to the set, page by page, through the diff API's service. */
async function* appendixChanges(
  db: Db,
  request: DocumentationRequest,
  sinceId: string,
): AsyncGenerator<AppendixChange> {
  let cursor: string | undefined;
  for (;;) {
    const page = await getBackupSetDiff(db, request.tenantId, request.setId, {
      against: sinceId,
      limit: CHANGES_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const row of page.rows.slice(0, CHANGES_PAGE)) {
      const withhold = !request.mayReadScripts && mayHoldScripts(row.policyType);
      const fields = Array.isArray(row.fields) ? (unescapeStoredJson(row.fields) as StoredField[]) : [];
      yield {
        typeLabel: policyTypeLabel(row.policyType),
        graphId: unescapeStoredText(row.graphId),
        displayName: unescapeStoredText(row.displayName),
        change: row.change,
        fields: fields.map((field) => appendixField(field, withhold)),
        actors: row.actors?.map(actorText) ?? null,
        actorsUnknown: row.actorsUnknown ?? null,
      };
    }
    if (page.rows.length <= CHANGES_PAGE) return;
    cursor = page.rows[CHANGES_PAGE - 1]?.id;
  }
}

interface StoredField {
  op: string;
  path: string;
  label: string;
  before?: unknown;
  after?: unknown;
  secret?: true;
}

const valueText = (value: unknown) =>
  value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);

// Secrets are never shown (the diff stored none); script values only to callers with scripts:read,
// as the diff API's serializer withholds them.
function appendixField(field: StoredField, withhold: boolean): AppendixField {
  const hidden = field.secret ? 'secret' : withhold ? 'withheld' : null;
  const shown = (value: unknown) =>
    hidden === 'secret' ? SECRET_NOTE : hidden === 'withheld' ? WITHHELD_VALUE : valueText(value);
  return {
    op: field.op,
    label: field.label,
    path: field.path,
    before: field.op === 'add' ? null : shown(field.before),
    after: field.op === 'remove' ? null : shown(field.after),
    hidden,
  };
}

function actorText(event: AuditActorEvent): string {
  const actor = unescapeStoredJson(event.actor) as AuditActorEvent['actor'];
  const name =
    actor.type === 'user'
      ? [actor.displayName, actor.userPrincipalName].filter(Boolean).join(' ')
      : `${actor.displayName ?? actor.appId ?? 'an application'} (application)`;
  return `${name || 'unknown user'}, ${unescapeStoredText(event.activity)} at ${event.time.toISOString()}`;
}
