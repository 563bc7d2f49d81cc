// What the purge of an offboarded tenant deletes, as data: every table that holds rows of the
// tenant, directly (tenant_id) or through a parent (runs, sets, restores, channels, events), in an
// order no foreign key refuses. Each step deletes at most PURGE_BATCH rows per statement, so a
// tenant of 100k+ rows never holds one long transaction, and a retried purge simply carries on:
// every statement deletes what is still there. Content-addressed payloads are shared by every
// tenant (backup_payloads): only those nothing refers to any more are deleted.
import type { DbClient as Db } from './client';
import { deleteUnreferencedPayloads } from './capture';
import { deleteBackupSets } from './retention';

/** Rows one statement deletes at most. */
export const PURGE_BATCH = 2_000;
/** Backup sets per transaction: their items (hundreds to thousands each) go with them. */
const SETS_PER_BATCH = 10;

const RUNS = 'SELECT id FROM backup_schedule_runs WHERE tenant_id = $1::uuid';
const RESTORES = 'SELECT id FROM restores WHERE tenant_id = $1::uuid';
const CHANNELS = 'SELECT id FROM notification_channels WHERE tenant_id = $1::uuid';
const EVENTS = 'SELECT id FROM notification_events WHERE tenant_id = $1::uuid';
const BASELINES = 'SELECT id FROM baselines WHERE tenant_id = $1::uuid';
const DELIVERIES = `SELECT id FROM notification_deliveries WHERE channel_id IN (${CHANNELS}) OR event_id IN (${EVENTS})`;

/** One table's share of the purge: deletes a batch of the tenant's rows, returns how many. */
export interface PurgeStep {
  table: string;
  deleteBatch(db: Db, tenantId: string): Promise<number>;
}

/** Rows of `table` the condition picks ($1: the tenant id). */
const rowsWhere = (table: string, where: string): PurgeStep => ({
  table,
  deleteBatch: (db, tenantId) => purgeBatch(db, table, where, tenantId),
});

/** Tables without a foreign key to tenants: purged in order, and swept again at the end. */
const WRITE_BUDGETS_AND_SYNC_LEASES: readonly PurgeStep[] = [
  rowsWhere('graph_write_budgets', 'tenant_id = $1::uuid'),
  rowsWhere('tenant_sync_leases', 'tenant_id = $1::uuid'),
];

/** Every table with rows of the tenant, children before parents (no foreign key refuses a batch). */
export const PURGE_STEPS: readonly PurgeStep[] = [
  // Other tenants' subscriptions to and mappings onto this tenant's baselines go with them.
  rowsWhere('baseline_subscriptions', `tenant_id = $1::uuid OR baseline_id IN (${BASELINES})`),
  rowsWhere('baseline_mappings', `tenant_id = $1::uuid OR baseline_id IN (${BASELINES})`),
  rowsWhere('baselines', 'tenant_id = $1::uuid'),
  rowsWhere('restore_steps', `restore_id IN (${RESTORES})`),
  rowsWhere('restore_items', `restore_id IN (${RESTORES})`),
  rowsWhere('restores', 'tenant_id = $1::uuid'),
  rowsWhere('restore_lineage', 'tenant_id = $1::uuid'),
  ...WRITE_BUDGETS_AND_SYNC_LEASES,
  // Items, references, changes, comparisons, offsite copy records and holds go with their set.
  { table: 'backup_sets', deleteBatch: purgeSetBatch },
  // A run's captures just before the runs: the tables have no foreign key to them, so a capture
  // written after this step would be left with no run to find it by (none should: the purge
  // starts only once the tenant's runs have ended).
  { table: 'run_captured_items', deleteBatch: purgeCaptureBatch },
  rowsWhere('run_captured_references', `run_id IN (${RUNS})`),
  rowsWhere('run_captured_types', `run_id IN (${RUNS})`),
  rowsWhere('run_capture_owners', `run_id IN (${RUNS})`),
  rowsWhere('backup_schedule_runs', 'tenant_id = $1::uuid'),
  rowsWhere('backup_schedules', 'tenant_id = $1::uuid'),
  rowsWhere('policies', 'tenant_id = $1::uuid'),
  rowsWhere('graph_audit_events', 'tenant_id = $1::uuid'),
  rowsWhere('graph_audit_cursors', 'tenant_id = $1::uuid'),
  rowsWhere('encrypted_setting_values', 'tenant_id = $1::uuid'),
  rowsWhere('notification_delivery_attempts', `delivery_id IN (${DELIVERIES})`),
  rowsWhere('notification_deliveries', `id IN (${DELIVERIES})`),
  rowsWhere('notification_events', 'tenant_id = $1::uuid'),
  rowsWhere('notification_channels', 'tenant_id = $1::uuid'),
  rowsWhere('notifications', 'tenant_id = $1::uuid'),
  rowsWhere('offsite_destinations', 'tenant_id = $1::uuid'),
  rowsWhere('tenant_memberships', 'tenant_id = $1::uuid'),
  // Allowed by the audit trigger once purge_started_at is set (markPurgeStarted).
  rowsWhere('audit_logs', 'tenant_id = $1::uuid'),
];

/**
 * Tables without a foreign key to tenants, swept once more after the tenant row is gone: a
 * lease or budget an activity wrote after their step leaves nothing behind.
 */
export const SWEEP_AFTER_TENANT_ROW: readonly PurgeStep[] = WRITE_BUDGETS_AND_SYNC_LEASES;

/** The tenant's purge has begun: its audit rows may now be deleted. Idempotent. */
export async function markPurgeStarted(db: Db, tenantId: string): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE tenants SET purge_started_at = coalesce(purge_started_at, now())
    WHERE id = ${tenantId}::uuid AND offboarded_at IS NOT NULL`;
  return count === 1;
}

/** Backup sets of the tenant under a legal hold that still protects them. */
export async function countHeldSets(db: Db, tenantId: string): Promise<number> {
  const [{ held }] = await db.$queryRaw<[{ held: number }]>`
    SELECT count(*)::int AS held FROM backup_sets s JOIN backup_set_holds h ON h.backup_set_id = s.id
    WHERE s.tenant_id = ${tenantId}::uuid AND (h.released_at IS NULL OR h.protects_until > now())`;
  return held;
}

/** Deletes up to PURGE_BATCH rows of the table the condition picks; how many it deleted. */
function purgeBatch(db: Db, table: string, where: string, tenantId: string): Promise<number> {
  // Table and condition are the constants above, never input; the tenant id is a parameter.
  return db.$executeRawUnsafe(
    `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM ${table} WHERE ${where} LIMIT ${PURGE_BATCH}))`,
    tenantId,
  );
}

/** Deletes the next few backup sets (items, changes, copies, holds with them) and orphaned payloads. */
async function purgeSetBatch(db: Db, tenantId: string): Promise<number> {
  const sets = await db.backupSet.findMany({
    where: { tenantId },
    select: { id: true },
    take: SETS_PER_BATCH,
  });
  await deleteBackupSets(
    db,
    sets.map((set) => set.id),
  );
  return sets.length;
}

/** Deletes a batch of the tenant's run captures and the payloads only they referred to. */
async function purgeCaptureBatch(db: Db, tenantId: string): Promise<number> {
  const deleted = await db.$queryRawUnsafe<{ payload_hash: string }[]>(
    `DELETE FROM run_captured_items WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM run_captured_items WHERE run_id IN (${RUNS}) LIMIT ${PURGE_BATCH}))
     RETURNING payload_hash`,
    tenantId,
  );
  await deleteUnreferencedPayloads(db, [...new Set(deleted.map((row) => row.payload_hash))]);
  return deleted.length;
}

/** Deletes the tenant row, which nothing refers to any more; false if it was gone already. */
export async function deleteTenantRow(db: Db, tenantId: string): Promise<boolean> {
  return (await db.tenant.deleteMany({ where: { id: tenantId } })).count === 1;
}
