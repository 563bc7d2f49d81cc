// `npm run start:worker`: runs BackupRun workflows and their activities. Any number of
// workers may poll the same task queue; Postgres holds the one-run-per-schedule lock.
import { readFileSync } from 'node:fs';
import { Runtime } from '@temporalio/worker';
import { loadWorkerConfig, type WorkerConfig } from '../config/env';
import { graphClientFactoryFrom } from '../config/graphClientFactory';
import type { SmtpSettings } from '../notifications/transports/email';
import { createDb } from '../db/client';
import { createLogger } from '../logging/logger';
import { offsiteEndpointAllowlist } from '../outbound';
import { ChannelSecretCipher, TenantSecretCipher } from '../secrets';
import { connectWorkerConnection } from '../temporal/connection';
import { DEFAULT_BUNDLE_PATH } from './bundle';
import { createBackupWorker } from './createWorker';
import { startMetricsServer } from './metricsServer';
import { temporalLoggerFor } from './temporalLogger';
import { logUnhandledRejections } from './unhandledRejections';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  logUnhandledRejections(logger);
  Runtime.install({ logger: temporalLoggerFor(logger) });
  const db = createDb(config.DATABASE_URL, logger, config.DATABASE_POOL_SIZE);
  const graph = graphClientFactoryFrom(config, logger);
  const connection = await connectWorkerConnection(config);
  const worker = await createBackupWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    deps: {
      db,
      graph,
      logger,
      secrets: new TenantSecretCipher(config.secretKeys),
      limits: { syncMaxPerTenant: config.SYNC_MAX_PER_TENANT },
      restoreWrites: {
        writeBudgetFraction: config.GRAPH_WRITE_BUDGET_FRACTION,
        createLookupMs: config.RESTORE_CREATE_LOOKUP_SECONDS * 1000,
      },
      notifications: {
        cipher: new ChannelSecretCipher(config.secretKeys),
        publicApiUrl: config.PUBLIC_API_URL,
        retrySchedule: config.NOTIFICATION_RETRY_SCHEDULE,
        endpointAllowlist: new Set(config.NOTIFICATION_ENDPOINT_ALLOWLIST),
        ...(config.NOTIFICATION_CA_FILE
          ? { trustedCaPem: readFileSync(config.NOTIFICATION_CA_FILE, 'utf8') }
          : {}),
        ...(config.SMTP_HOST ? { smtp: smtpSettingsOf(config) } : {}),
      },
      // The copyOffsite activity: where destinations may point, the CA of a self-signed store.
      offsite: {
        endpointAllowlist: offsiteEndpointAllowlist(config.OFFSITE_ENDPOINT_ALLOWLIST),
        ...(config.OFFSITE_CA_FILE ? { trustedCaPem: readFileSync(config.OFFSITE_CA_FILE, 'utf8') } : {}),
      },
    },
    bundlePath: config.WORKFLOW_BUNDLE_PATH ?? DEFAULT_BUNDLE_PATH,
    maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentSyncs: config.WORKER_MAX_CONCURRENT_SYNCS,
    maxConcurrentDeliveries: config.WORKER_MAX_CONCURRENT_DELIVERIES,
    maxConcurrentRestoreActivities: config.WORKER_MAX_CONCURRENT_RESTORE_ACTIVITIES,
    taskQueue: config.WORKER_TASK_QUEUE,
  });
  const metrics =
    config.METRICS_PORT > 0
      ? await startMetricsServer(config.METRICS_PORT, config.METRICS_HOST, logger)
      : undefined;
  // Temporal's worker handles SIGINT/SIGTERM itself: it stops polling and drains in-flight tasks.
  logger.info(
    { taskQueue: config.WORKER_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE },
    'worker started',
  );
  await worker.run();
  metrics?.close();
  await Promise.allSettled([connection.close(), graph.close(), db.$disconnect()]);
  logger.info('worker stopped');
}

/** The SMTP server; NOTIFICATION_CA_FILE is trusted for its STARTTLS or TLS too (a private CA). */
function smtpSettingsOf(config: WorkerConfig): SmtpSettings {
  return {
    host: config.SMTP_HOST!,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    from: config.SMTP_FROM!,
    ...(config.SMTP_USER ? { user: config.SMTP_USER } : {}),
    ...(config.SMTP_PASSWORD ? { password: config.SMTP_PASSWORD } : {}),
    ...(config.NOTIFICATION_CA_FILE
      ? { trustedCaPem: readFileSync(config.NOTIFICATION_CA_FILE, 'utf8') }
      : {}),
  };
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
