// The parts of an as-built document, in the order they are written: a summary, then per type and
// per policy its settings and assignments, then (optionally) the appendix of changes. Each
// renderer (markdown.ts, html.ts, csv.ts) turns each part into text as it arrives, so a document
// of any size is written a policy at a time.
import type { PolicyDocumentation } from './rows';

export const DOCUMENTATION_FORMATS = ['md', 'html', 'csv'] as const;
export type DocumentationFormat = (typeof DOCUMENTATION_FORMATS)[number];

export const DOCUMENTATION_CONTENT_TYPES: Record<DocumentationFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

export interface DocumentSummary {
  tenant: { id: string; displayName: string; azureTenantId: string };
  backupSetId: string;
  /** When the set was captured. */
  capturedAt: Date;
  run: { id: string; status: string } | null;
  types: { policyType: string; label: string; count: number; outcome: string | null }[];
  itemCount: number;
  /** The set the appendix compares with, when asked. */
  changesSince: { backupSetId: string; capturedAt: Date } | null;
}

export interface DocumentedPolicy {
  policyType: string;
  typeLabel: string;
  graphId: string;
  displayName: string;
  documentation: PolicyDocumentation;
}

export interface AppendixField {
  op: string;
  label: string;
  path: string;
  before: string | null;
  after: string | null;
  /** Why the values are not shown: a secret (for everyone) or a script (without scripts:read). */
  hidden: 'secret' | 'withheld' | null;
}

export interface AppendixChange {
  typeLabel: string;
  graphId: string;
  displayName: string;
  change: string;
  fields: AppendixField[];
  /** Who, from the tenant's audit logs; null when not known (`actorsUnknown` says why). */
  actors: string[] | null;
  actorsUnknown: string | null;
}

/** One renderer: text for each part; '' where a format has nothing to say. */
export interface DocumentRenderer {
  start(summary: DocumentSummary): string;
  typeStart(type: DocumentSummary['types'][number]): string;
  policy(policy: DocumentedPolicy): string;
  appendixStart(summary: DocumentSummary): string;
  change(change: AppendixChange): string;
  end(): string;
}

export const WITHHELD_NOTE =
  'Settings withheld: script bodies can hold credentials; reading them needs the permission scripts:read.';
export const SECRET_NOTE = '(secret, not shown)';
export const WITHHELD_VALUE = '(withheld: needs scripts:read)';

/** A policy's assignment targets in words, shared by the renderers. */
export function assignmentCells(a: PolicyDocumentation['assignments'][number]) {
  const group = a.groupId === null ? '' : a.groupName !== null ? `${a.groupName} (${a.groupId})` : a.groupId;
  const filter =
    a.filterId === null
      ? ''
      : `${a.filterName ?? a.filterId}${a.filterName !== null ? ` (${a.filterId})` : ''}, ${a.filterMode ?? ''}`;
  return { mode: a.mode, target: a.target, group, filter };
}

/** The run line of the summary, shared by the renderers. */
export function runOutcomeText(summary: DocumentSummary): string {
  return summary.run ? `${summary.run.status} (run ${summary.run.id})` : 'unknown';
}

/** Who made a change, in words, shared by the renderers. */
export function changedByText(change: AppendixChange): string {
  if (!change.actors) return `unknown${change.actorsUnknown ? ` (${change.actorsUnknown})` : ''}`;
  return change.actors.length > 0 ? change.actors.join('; ') : 'no audit event';
}
