import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { GraphClientFactory } from '../graph';
import type { Logger } from '../logging/logger';
import type { OutboundAllowlist } from '../outbound';
import type { TenantSecretCipher } from '../secrets';
import type { TokenPolicy } from '../services/users';
import type { SchedulingPolicy } from '../temporal/scheduleOptions';
import type { AuthFailureLimit } from './hardening/authFailures';

export interface ApiDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
  /** Encrypts tenant client secrets on write; decrypts them only for a connection test. */
  secrets: TenantSecretCipher;
  /**
   * Graph clients for connection tests, built like the worker's (allowlist, request budget, CA);
   * the only place the API decrypts a client secret, to hand it to MSAL.
   */
  graph: GraphClientFactory;
  /** How long a connection test may take before it answers with what it has (30 s unless set). */
  connectionTestDeadlineMs?: number;
  /** Requests per minute per user, all of their tokens together (API_RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute?: number;
  /** Failed authentications per client address (API_AUTH_FAILURE_LIMIT and _WINDOW_SECONDS). */
  authFailureLimit?: AuthFailureLimit;
  /** Express's `trust proxy`: which proxies tell the client's address (API_TRUST_PROXY). */
  trustProxy?: false | number | string[];
  /** Token lifetimes and how many a user may hold (API_TOKEN_MAX_LIFETIME_DAYS, API_MAX_TOKENS_PER_USER). */
  tokenPolicy?: TokenPolicy;
  /** Bytes of payloads per page of backup set items (API_ITEMS_PAGE_MAX_BYTES). */
  itemsPageMaxBytes?: number;
  /** Deployment-wide scheduling choices (SCHEDULE_JITTER_SECONDS). */
  scheduling?: SchedulingPolicy;
  /**
   * Where a tenant's graphBaseUrl and loginBaseUrl may point (graphEndpointAllowlist with
   * GRAPH_ENDPOINT_ALLOWLIST); Microsoft's hosts only unless given.
   */
  graphEndpointAllowlist?: OutboundAllowlist;
  /**
   * Where notification channel URLs may point (notificationEndpointAllowlist with
   * NOTIFICATION_ENDPOINT_ALLOWLIST); any public host unless given more.
   */
  notificationEndpointAllowlist?: OutboundAllowlist;
  /**
   * Where offsite destinations may point (offsiteEndpointAllowlist with OFFSITE_ENDPOINT_ALLOWLIST);
   * any public host unless given more.
   */
  offsiteEndpointAllowlist?: OutboundAllowlist;
  /** Delays before each attempt of the deliveries the API starts (NOTIFICATION_RETRY_SCHEDULE). */
  notificationRetrySchedule?: string[];
  /** The workers' workflow task queue (WORKER_TASK_QUEUE); restores start on its -restore queue. */
  workflowTaskQueue?: string;
  /** Days an offboarded tenant stays read-only before its purge (OFFBOARDED_TENANT_RETENTION_DAYS). */
  offboardedRetentionDays?: number;
}

export const DEFAULT_OFFBOARDED_RETENTION_DAYS = 30;

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
