import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Logger } from '../logging/logger';
import type { OutboundAllowlist } from '../outbound';
import type { TenantSecretCipher } from '../secrets';
import type { SchedulingPolicy } from '../temporal/scheduleOptions';

export interface ApiDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  /** Encrypts tenant client secrets on write (the API never decrypts them). */
  secrets: TenantSecretCipher;
  /** Requests per minute per API token (API_RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute?: number;
  /** Deployment-wide scheduling choices (SCHEDULE_JITTER_SECONDS). */
  scheduling?: SchedulingPolicy;
  /**
   * Where a tenant's graphBaseUrl and loginBaseUrl may point (graphEndpointAllowlist with
   * GRAPH_ENDPOINT_ALLOWLIST); Microsoft's hosts only unless given.
   */
  graphEndpointAllowlist?: OutboundAllowlist;
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
