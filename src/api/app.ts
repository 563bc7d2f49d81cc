// The Express application: health probes, metrics and the API reference, then every /v1 route
// behind the bearer token, then one error middleware that turns every failure into problem+json.
import express, { type Express } from 'express';
import { requireBearerToken } from './auth';
import type { ApiDeps } from './deps';
import { observeRequests } from './observeRequests';
import { openApiRouter } from './openapi/router';
import { notFoundRoute, problemMiddleware } from './problem';
import { auditLogsRouter } from './routes/auditLogs';
import { backupSchedulesRouter } from './routes/backupSchedules';
import { backupSetsRouter } from './routes/backupSets';
import { healthRouter } from './routes/health';
import { metricsRouter } from './routes/metrics';
import { notificationsRouter } from './routes/notifications';
import { policyTypesRouter } from './routes/policyTypes';
import { runsRouter } from './routes/runs';
import { tenantsRouter } from './routes/tenants';

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(observeRequests(deps.logger));
  app.use(healthRouter(deps));
  app.use(metricsRouter());
  app.use(openApiRouter());

  const v1 = express.Router();
  v1.use(requireBearerToken(deps.db));
  v1.use(express.json({ limit: '256kb', strict: true }));
  v1.use('/policy-types', policyTypesRouter());
  v1.use('/me/notifications', notificationsRouter(deps));
  v1.use('/tenants', tenantsRouter(deps));
  v1.use('/tenants/:tenantId/backup-schedules', backupSchedulesRouter(deps));
  v1.use('/tenants/:tenantId/runs', runsRouter(deps));
  v1.use('/tenants/:tenantId/audit-logs', auditLogsRouter(deps));
  v1.use('/tenants/:tenantId/backup-sets', backupSetsRouter(deps));
  app.use('/v1', v1);

  app.use(notFoundRoute);
  app.use(problemMiddleware(deps.logger));
  return app;
}
