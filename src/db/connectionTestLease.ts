// One connection test per tenant in flight across API replicas: a lease in the tenant row rather
// than a session advisory lock, so a test holds no pooled connection while it waits on Graph (a
// burst of tests of many tenants would otherwise take the pool its own audit writes need). A
// replica that crashes mid-test leaves a lease that ends by itself at the test's deadline.
import type { DbClient as Db } from './client';

/** Takes the tenant's lease for `ms`; the lease's end, or null when a test is in flight. */
export async function claimConnectionTestLease(db: Db, tenantId: string, ms: number): Promise<Date | null> {
  const rows = await db.$queryRaw<{ until: Date }[]>`
    UPDATE tenants SET connection_test_until = now() + ${ms} * interval '1 millisecond'
    WHERE id = ${tenantId}::uuid AND (connection_test_until IS NULL OR connection_test_until <= now())
    RETURNING connection_test_until AS until`;
  return rows[0]?.until ?? null;
}

/** Ends the lease taken at `until` (not one a later test took after this one's expired). */
export async function releaseConnectionTestLease(db: Db, tenantId: string, until: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE tenants SET connection_test_until = NULL
    WHERE id = ${tenantId}::uuid AND connection_test_until = ${until}`;
}
