// Baselines: pin a tenant's backup set under a name, map policies explicitly, and compare any
// tenant's set against it. Who may do what is checked by the routes (src/api/routes/baselines.ts);
// this module checks what the input names exists and belongs together.
import {
  deleteBaseline as deleteBaselineRow,
  findBaseline,
  findBaselineByName,
  insertBaseline,
  latestSetOf,
  type Mapping,
  mappingsOf,
  replaceMappings,
} from '../db/baselines';
import { appendAudit, userActor } from '../db/audit';
import { findBackupSet } from '../db/backupSets';
import type { Baseline, BaselineMapping, Db } from '../db/client';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';

export async function createBaseline(
  db: Db,
  input: { name: string; tenantId: string; backupSetId: string },
  actorUserId: string,
): Promise<Baseline> {
  return db.$transaction(async (tx) => {
    if (!(await findBackupSet(tx, input.tenantId, input.backupSetId)))
      throw new InvalidInputError('backupSetId', 'no backup set of this tenant has this id');
    if (await findBaselineByName(tx, input.tenantId, input.name))
      throw new ConflictError('the tenant has a baseline of this name', 'baseline_name_taken', 'name');
    const baseline = await insertBaseline(tx, { ...input, createdBy: userActor(actorUserId) });
    await appendAudit(tx, {
      tenantId: input.tenantId,
      actor: userActor(actorUserId),
      action: 'baseline.created',
      resourceType: 'baseline',
      resourceId: baseline.id,
      metadata: { name: input.name, backupSetId: input.backupSetId },
    });
    return baseline;
  });
}

export async function getBaseline(db: Db, id: string): Promise<Baseline> {
  const baseline = await findBaseline(db, id);
  if (!baseline) throw new NotFoundError('baseline');
  return baseline;
}

/** Deletes the baseline and its mappings: its set is no longer pinned against retention. */
export async function deleteBaseline(db: Db, id: string, actorUserId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const baseline = await findBaseline(tx, id);
    if (!baseline) throw new NotFoundError('baseline');
    await deleteBaselineRow(tx, id);
    await appendAudit(tx, {
      tenantId: baseline.tenantId,
      actor: userActor(actorUserId),
      action: 'baseline.deleted',
      resourceType: 'baseline',
      resourceId: id,
      metadata: { name: baseline.name, backupSetId: baseline.backupSetId },
    });
  });
}

/**
 * Replaces the baseline's explicit matches with one tenant. Each policy may appear once per side:
 * a match is a pairing.
 */
export async function setMappings(
  db: Db,
  baselineId: string,
  tenantId: string,
  mappings: readonly Mapping[],
  actorUserId: string,
): Promise<BaselineMapping[]> {
  const seen = new Set<string>();
  mappings.forEach((mapping, index) => {
    for (const [side, graphId] of [
      ['baselineGraphId', mapping.baselineGraphId],
      ['tenantGraphId', mapping.tenantGraphId],
    ] as const) {
      const key = `${side}\u0000${mapping.policyType}\u0000${graphId}`;
      if (seen.has(key))
        throw new InvalidInputError(`mappings.${index}.${side}`, 'this policy is already mapped above');
      seen.add(key);
    }
  });
  return db.$transaction(async (tx) => {
    const baseline = await findBaseline(tx, baselineId);
    if (!baseline) throw new NotFoundError('baseline');
    await replaceMappings(tx, baselineId, tenantId, mappings);
    await appendAudit(tx, {
      tenantId: baseline.tenantId,
      actor: userActor(actorUserId),
      action: 'baseline.mappings_set',
      resourceType: 'baseline',
      resourceId: baselineId,
      metadata: { tenantId, count: mappings.length },
    });
    return mappingsOf(tx, baselineId, tenantId);
  });
}

/** The set to compare: the one named (it must be the tenant's), else the tenant's newest. */
export async function compareSetOf(db: Db, tenantId: string, backupSetId?: string): Promise<string> {
  if (backupSetId) {
    if (!(await findBackupSet(db, tenantId, backupSetId)))
      throw new InvalidInputError('backupSetId', 'no backup set of this tenant has this id');
    return backupSetId;
  }
  const latest = await latestSetOf(db, tenantId);
  if (!latest) throw new InvalidInputError('tenantId', 'the tenant has no backup set yet');
  return latest.id;
}
