// Retention: after a run's set is written, delete the schedule's sets its retention no longer
// keeps (src/retention/policy.ts: sets younger than the grace period, tenant minimum, grace
// period of reductions, legal holds, baselines, the newest holder of each type). Every deletion is audited with the set ids and the actor whose
// change caused it: `system` for plain ageing, the user whose reduction it is otherwise.
import type { AuditActor } from '../db/audit';
import { appendAudit } from '../db/audit';
import { deleteBackupSets, retentionRulesOf, setsForRetention } from '../db/retention';
import { planRetention, type RetentionPlan } from '../retention/policy';
import type { ActivityDeps } from './deps';

export interface ApplyRetentionInput {
  tenantId: string;
  scheduleId: string;
  runId: string;
  /**
   * keepLast when the run began. Informational: retention applies the rules in force when it
   * runs (a reduction made meanwhile still waits its grace period).
   */
  keepLast: number;
  keepBackupSetId: string;
}

export interface RetentionOutcome {
  deletedBackupSetIds: string[];
  /**
   * The schedule's keepLast in force (tenant minimum and pending reductions included), counted
   * among its sets older than the grace period: younger sets are all kept.
   */
  keepLast: number;
  /** Sets beyond keepLast kept as the newest holders of these types. */
  keptForTypes: RetentionPlan['keptForTypes'];
  /** Sets beyond keepLast kept under a legal hold. */
  keptForHold: string[];
  /** Sets beyond keepLast kept because a baseline pins them. */
  keptForBaseline: string[];
}

export function createApplyRetention({ db }: ActivityDeps) {
  return async function applyRetention(input: ApplyRetentionInput): Promise<RetentionOutcome> {
    return db.$transaction(
      async (tx) => {
        const rules = await retentionRulesOf(tx, input.scheduleId);
        const plan = planRetention(await setsForRetention(tx, input.scheduleId), {
          ...rules,
          keepSetId: input.keepBackupSetId,
        });
        const { keepLast } = plan;
        await deleteBackupSets(
          tx,
          plan.delete.map((entry) => entry.id),
        );
        for (const [actor, ids] of deletionsByActor(plan)) {
          await appendAudit(tx, {
            tenantId: input.tenantId,
            actor,
            action: 'retention.deleted_backup_sets',
            resourceType: 'backup_schedule',
            resourceId: input.scheduleId,
            metadata: {
              runId: input.runId,
              keepLast,
              cause: actor === 'system' ? 'ageing' : 'retention_reduced',
              deletedBackupSetIds: ids,
            },
          });
        }
        return {
          deletedBackupSetIds: plan.delete.map((entry) => entry.id),
          keepLast,
          keptForTypes: plan.keptForTypes,
          keptForHold: plan.keptForHold,
          keptForBaseline: plan.keptForBaseline,
        };
      },
      { timeout: 5 * 60_000, maxWait: 30_000 },
    );
  };
}

function deletionsByActor(plan: RetentionPlan): Map<AuditActor, string[]> {
  const byActor = new Map<AuditActor, string[]>();
  for (const { id, cause } of plan.delete) {
    const actor: AuditActor = cause.kind === 'reduction' ? (cause.by as AuditActor) : 'system';
    byActor.set(actor, [...(byActor.get(actor) ?? []), id]);
  }
  return byActor;
}
