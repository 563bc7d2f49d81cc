import type { Db } from '../db/client';
import type { GraphClientFactory } from '../graph';
import type { Logger } from '../logging/logger';
import type { NotificationDeps } from '../notifications/deliveryDeps';
import type { TenantSecretCipher } from '../secrets';

/** What activities need from the process; the worker builds it once. */
export interface ActivityDeps {
  db: Db;
  graph: GraphClientFactory;
  logger: Logger;
  /** Decrypts a tenant's client secret where its Graph credentials are built (syncPolicies). */
  secrets: TenantSecretCipher;
  limits?: ActivityLimits;
  /** Delivery of notifications (src/activities/deliver.ts); a worker without it cannot deliver. */
  notifications?: NotificationDeps;
}

export interface ActivityLimits {
  /** Syncs of one tenant that may run at once, across all workers (SYNC_MAX_PER_TENANT). */
  syncMaxPerTenant: number;
}
