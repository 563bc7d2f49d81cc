import type { Db } from '../db/client';
import type { GraphClientFactory } from '../graph';
import type { Logger } from '../logging/logger';
import type { NotificationDeps } from '../notifications/deliveryDeps';
import type { OutboundAllowlist } from '../outbound';
import type { TenantSecretCipher } from '../secrets';
import { STANDARD_WEBHOOKS_RETRY_SCHEDULE } from '../shared/constants';

/** What activities need from the process; the worker builds it once. */
export interface ActivityDeps {
  db: Db;
  graph: GraphClientFactory;
  logger: Logger;
  /** Decrypts a tenant's client secret where its Graph credentials are built (syncPolicies). */
  secrets: TenantSecretCipher;
  limits?: ActivityLimits;
  /** Event links, the delivery retry schedule and what deliveries need; a worker without it cannot deliver. */
  notifications?: NotificationDeps;
  /** How restores write (GRAPH_WRITE_BUDGET_FRACTION, RESTORE_CREATE_LOOKUP_SECONDS); defaults otherwise. */
  restoreWrites?: RestoreWriteSettings;
  /**
   * Where offsite destinations may point (OFFSITE_ENDPOINT_ALLOWLIST) and an extra CA to trust
   * (Azurite's in dev and tests); without it, copyOffsite reaches public hosts only.
   */
  offsite?: OffsiteSettings;
}

export interface OffsiteSettings {
  endpointAllowlist: OutboundAllowlist;
  trustedCaPem?: string;
}

export interface RestoreWriteSettings {
  /** The fraction of Graph's write limits restores are paced at. */
  writeBudgetFraction: number;
  /** How long a create whose answer was lost looks for its object before posting again. */
  createLookupMs: number;
  /** Pause between two looks (tests shorten it). */
  lookupPollMs?: number;
}

export interface RunNotificationSettings {
  /** Where links in events point (PUBLIC_API_URL). */
  publicApiUrl: string;
  /** Delay before each delivery attempt (NOTIFICATION_RETRY_SCHEDULE). */
  retrySchedule: string[];
}

export const DEFAULT_RUN_NOTIFICATION_SETTINGS: RunNotificationSettings = {
  publicApiUrl: 'http://localhost:3000',
  retrySchedule: [...STANDARD_WEBHOOKS_RETRY_SCHEDULE],
};

export interface ActivityLimits {
  /** Syncs of one tenant that may run at once, across all workers (SYNC_MAX_PER_TENANT). */
  syncMaxPerTenant: number;
}
