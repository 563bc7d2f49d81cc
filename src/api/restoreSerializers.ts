// Restores as the API answers them. Graph ids and names are stored escaped (src/graph/storedText.ts)
// and go out as Graph sent them; the values of a script type's changes are withheld from callers
// without scripts:read, as the changes of backup sets are (./serializers.ts).
import type { Restore, RestoreItem } from '../db/client';
import type { RestoreSettings } from '../db/restores';
import { mayHoldScripts, unescapeStoredJson, unescapeStoredText } from '../graph';

export function restoreSettingsJson(settings: RestoreSettings) {
  return {
    enabled: settings.restoreEnabled,
    approvalRequired: settings.restoreApprovalRequired,
    changedAt: settings.restoreSettingsChangedAt,
    changedBy: settings.restoreSettingsChangedBy,
  };
}

export function restoreJson(restore: Restore) {
  return {
    id: restore.id,
    tenantId: restore.tenantId,
    backupSetId: restore.backupSetId,
    status: restore.status,
    options: {
      mode: restore.mode,
      assignments: restore.assignments,
      conditionalAccessState: restore.conditionalAccessState,
      selection: restore.selection,
    },
    counts: restore.counts,
    planHash: restore.planHash,
    requestedBy: restore.requestedBy,
    approval: restore.approvedBy ? { approvedBy: restore.approvedBy, approvedAt: restore.approvedAt } : null,
    appliedBy: restore.appliedBy,
    applyRounds: restore.applyRounds,
    error: restore.error,
    createdAt: restore.createdAt,
    plannedAt: restore.plannedAt,
    applyStartedAt: restore.applyStartedAt,
    finishedAt: restore.finishedAt,
  };
}

const SCRIPTS_WITHHELD = {
  permission: 'scripts:read',
  reason: 'script bodies can hold credentials: reading them needs the role operator or higher',
} as const;

/** Field changes (src/diff FieldChange) without their values, for callers who may not read scripts. */
function withheldChanges(changes: unknown): unknown {
  if (!Array.isArray(changes)) return changes;
  return changes.map((change: Record<string, unknown>) => {
    if (change.secret) return change;
    const { before: _before, after: _after, ...rest } = change;
    return { ...rest, withheld: true };
  });
}

export function restoreItemJson(access: { mayReadScripts: boolean }) {
  return (item: RestoreItem) => {
    const withhold = !access.mayReadScripts && mayHoldScripts(item.policyType);
    const shown = (value: unknown) => {
      const plain = value === null ? null : unescapeStoredJson(value);
      return withhold ? withheldChanges(plain) : plain;
    };
    return {
      id: item.id,
      position: item.position,
      policyType: item.policyType,
      sourceGraphId: unescapeStoredText(item.sourceGraphId),
      displayName: unescapeStoredText(item.displayName),
      action: item.action,
      blocked: item.blockedReason ? { reason: item.blockedReason, detail: item.blockedDetail } : null,
      targetGraphId: item.targetGraphId === null ? null : unescapeStoredText(item.targetGraphId),
      precondition: item.precondition,
      changes: shown(item.changes),
      adjustments: item.adjustments,
      outcome: item.outcome,
      outcomeDetail: item.outcomeDetail,
      createdGraphId: item.createdGraphId,
      verification: item.verification,
      serverChanges: shown(item.serverChanges),
      ...(withhold && (item.changes !== null || item.serverChanges !== null)
        ? { valuesWithheld: SCRIPTS_WITHHELD }
        : {}),
      finishedAt: item.finishedAt,
    };
  };
}
