// What "Temporal reflects the record" means in a test: the Temporal Schedule of a row has no
// drift in spec, action or policies, and is paused exactly when the row is disabled.
import type { Client } from '@temporalio/client';
import type { Db } from '../../src/db/client';
import { describeTemporalSchedule } from '../../src/temporal/scheduleSync';

export async function expectTemporalMatchesRow(
  deps: { db: Db; temporal: Client },
  scheduleId: string,
): Promise<void> {
  const row = await deps.db.backupSchedule.findUniqueOrThrow({
    where: { id: scheduleId },
    include: { tenant: { select: { slug: true } } },
  });
  const inTemporal = await describeTemporalSchedule(deps.temporal, row, row.tenant.slug);
  expect(row.temporalSyncState).toBe('synced');
  expect(inTemporal).toMatchObject({ drift: [], paused: !row.enabled });
}
