import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Logger } from '../logging/logger';
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
  /** Bytes of payloads per page of backup set items (API_ITEMS_PAGE_MAX_BYTES). */
  itemsPageMaxBytes?: number;
  /** Deployment-wide scheduling choices (SCHEDULE_JITTER_SECONDS). */
  scheduling?: SchedulingPolicy;
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
