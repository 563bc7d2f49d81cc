// Prometheus metrics of the API and the worker, on prom-client's default registry: each process
// exposes what it measured at GET /metrics (the API on its port, the worker on METRICS_PORT).
import { Counter, collectDefaultMetrics, Histogram, register } from 'prom-client';

collectDefaultMetrics({ prefix: 'tenantvault_' });

export const httpRequests = new Counter({
  name: 'tenantvault_http_requests_total',
  help: 'API requests by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
});

export const httpDuration = new Histogram({
  name: 'tenantvault_http_request_duration_seconds',
  help: 'API request durations by method and route template',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export const backupRuns = new Counter({
  name: 'tenantvault_backup_runs_total',
  help: 'Backup runs by final status',
  labelNames: ['status'] as const,
});

export const backupRunDuration = new Histogram({
  name: 'tenantvault_backup_run_duration_seconds',
  help: 'Backup run durations (start to finish) by final status',
  labelNames: ['status'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
});

export const graphRequests = new Counter({
  name: 'tenantvault_graph_requests_total',
  help: 'Microsoft Graph requests by HTTP status (0: network error)',
  labelNames: ['status'] as const,
});

export const graphThrottles = new Counter({
  name: 'tenantvault_graph_throttled_total',
  help: 'Graph answers of 429 Too Many Requests',
});

export const reconcilerActions = new Counter({
  name: 'tenantvault_reconciler_actions_total',
  help: 'What schedule reconciliation passes did, by action',
  labelNames: ['action'] as const,
});

/** The text exposition of every metric of this process. */
export function metricsText(): Promise<string> {
  return register.metrics();
}

export const METRICS_CONTENT_TYPE = register.contentType;
