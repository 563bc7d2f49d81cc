// `npm run start:api`: the control-plane API. Stateless; run as many as needed.
import type { Server } from 'node:http';
import { loadApiConfig } from '../config/env';
import { graphClientFactoryFrom } from '../config/graphClientFactory';
import { createDb } from '../db/client';
import { API_BUDGET_SHARE } from '../graph';
import { createLogger } from '../logging/logger';
import { graphEndpointAllowlist, notificationEndpointAllowlist, offsiteEndpointAllowlist } from '../outbound';
import { startReconciler } from '../reconciler/runReconciler';
import { TenantSecretCipher } from '../secrets';
import { BACKUP_TASK_QUEUE } from '../shared/constants';
import { tokenPolicyOf } from '../services/users';
import { createLazyTemporalClient } from '../temporal/connection';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  const db = createDb(config.DATABASE_URL, logger, config.DATABASE_POOL_SIZE);
  const temporal = createLazyTemporalClient(config);
  const scheduling = { jitterSeconds: config.SCHEDULE_JITTER_SECONDS };
  const secrets = new TenantSecretCipher(config.secretKeys);
  // Connection tests only: the API's small share, beside the worker's (src/graph/requestBudget.ts).
  const graph = graphClientFactoryFrom(config, logger, API_BUDGET_SHARE);
  const app = createApp({
    graph,
    db,
    temporal,
    logger,
    scheduling,
    secrets,
    rateLimitPerMinute: config.API_RATE_LIMIT_PER_MINUTE,
    graphEndpointAllowlist: graphEndpointAllowlist(config.GRAPH_ENDPOINT_ALLOWLIST),
    notificationEndpointAllowlist: notificationEndpointAllowlist(config.NOTIFICATION_ENDPOINT_ALLOWLIST),
    offsiteEndpointAllowlist: offsiteEndpointAllowlist(config.OFFSITE_ENDPOINT_ALLOWLIST),
    notificationRetrySchedule: config.NOTIFICATION_RETRY_SCHEDULE,
    authFailureLimit: {
      limit: config.API_AUTH_FAILURE_LIMIT,
      windowSeconds: config.API_AUTH_FAILURE_WINDOW_SECONDS,
    },
    trustProxy: config.API_TRUST_PROXY,
    tokenPolicy: tokenPolicyOf(config),
    itemsPageMaxBytes: config.API_ITEMS_PAGE_MAX_BYTES,
    offboardedRetentionDays: config.OFFBOARDED_TENANT_RETENTION_DAYS,
  });
  const stopReconciler =
    config.RECONCILE_INTERVAL_SECONDS > 0
      ? startReconciler(
          {
            db,
            temporal,
            logger,
            scheduling,
            deliveries: { taskQueue: BACKUP_TASK_QUEUE, retrySchedule: config.NOTIFICATION_RETRY_SCHEDULE },
            publicApiUrl: config.PUBLIC_API_URL,
          },
          config.RECONCILE_INTERVAL_SECONDS,
        )
      : async () => undefined;
  const listening = () =>
    logger.info({ port: config.PORT, host: config.HOST }, `API listening on http://localhost:${config.PORT}`);
  const server: Server = config.HOST
    ? app.listen(config.PORT, config.HOST, listening)
    : app.listen(config.PORT, listening);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(async () => {
      await stopReconciler();
      await Promise.allSettled([db.$disconnect(), temporal.connection.close(), graph.close()]);
      process.exit(0);
    });
    // Keep-alive connections must not hold the process open forever.
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
