// The Express application: security headers, then the authorization built from the route table
// (the throttle of failed authentications, authentication, the per-user rate limit, then the
// route's permission; mutating requests are
// audited whatever it decides), then health probes, metrics, the API reference and the /v1 routes, then one
// error middleware that turns every failure into problem+json.
import express, { type Express } from 'express';
import { authorizeByRouteTable } from './authorize';
import { type ApiDeps, DEFAULT_RATE_LIMIT_PER_MINUTE } from './deps';
import { auditMutatingRequests } from './hardening/auditRequests';
import { authFailureThrottle, DEFAULT_AUTH_FAILURE_LIMIT } from './hardening/authFailures';
import { perUserRateLimit } from './hardening/rateLimit';
import { securityHeaders } from './hardening/securityHeaders';
import { observeRequests } from './observeRequests';
import { openApiRouter } from './openapi/router';
import { notFoundRoute, problemMiddleware } from './problem';
import { auditLogsRouter } from './routes/auditLogs';
import { baselineSubscriptionsRouter } from './routes/baselineSubscriptions';
import { baselinesRouter } from './routes/baselines';
import { backupSchedulesRouter } from './routes/backupSchedules';
import { backupSetExportRouter } from './routes/backupSetExport';
import { backupSetsRouter } from './routes/backupSets';
import { documentationRouter } from './routes/documentation';
import { healthRouter } from './routes/health';
import { legalHoldsRouter } from './routes/legalHolds';
import { membersRouter } from './routes/members';
import { metricsRouter } from './routes/metrics';
import {
  notificationChannelsRouter,
  PLATFORM_CHANNELS,
  TENANT_CHANNELS,
} from './routes/notificationChannels';
import { meRouter } from './routes/me';
import { notificationsRouter } from './routes/notifications';
import { policyTypesRouter } from './routes/policyTypes';
import { policiesRouter } from './routes/policies';
import { offsiteDestinationRouter } from './routes/offsiteDestination';
import { tenantRetentionRouter } from './routes/retention';
import { restoreSettingsRouter, restoresRouter } from './routes/restores';
import { runsRouter } from './routes/runs';
import { statusRouter, tenantStatusRouter } from './routes/status';
import { tenantsRouter } from './routes/tenants';
import { usersRouter } from './routes/users';
import { operations } from './routeTable';
import { refuseUnstorableText } from './storableText';
import { refuseNonJsonBodies } from './validation';

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // The client address (for the throttle of failed authentications) is the socket's peer, unless
  // the deployment names the proxies in front of the API.
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(securityHeaders());
  app.use(observeRequests(deps.logger));
  app.use(auditMutatingRequests(deps.db, deps.logger));
  app.use(
    authorizeByRouteTable(deps.db, operations, {
      perUser: perUserRateLimit(deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE),
      authFailures: authFailureThrottle(deps.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT),
    }),
  );
  app.use(healthRouter(deps));
  app.use(metricsRouter());
  app.use(openApiRouter());

  const v1 = express.Router();
  v1.use(refuseNonJsonBodies);
  v1.use(express.json({ limit: '256kb', strict: false }));
  v1.use(refuseUnstorableText());
  v1.use('/policy-types', policyTypesRouter());
  v1.use('/me/notifications', notificationsRouter(deps));
  v1.use('/me', meRouter(deps));
  v1.use('/users', usersRouter(deps));
  v1.use('/tenants', tenantsRouter(deps));
  v1.use('/tenants/:tenantId/members', membersRouter(deps));
  v1.use('/tenants/:tenantId/backup-schedules', backupSchedulesRouter(deps));
  v1.use('/tenants/:tenantId/runs', runsRouter(deps));
  v1.use('/tenants/:tenantId/audit-logs', auditLogsRouter(deps));
  v1.use('/tenants/:tenantId/backup-sets', backupSetsRouter(deps));
  v1.use('/tenants/:tenantId/backup-sets/:setId/legal-hold', legalHoldsRouter(deps));
  v1.use('/tenants/:tenantId/backup-sets/:setId/export', backupSetExportRouter(deps));
  v1.use('/tenants/:tenantId/backup-sets/:setId/documentation', documentationRouter(deps));
  v1.use('/tenants/:tenantId/retention', tenantRetentionRouter(deps));
  v1.use('/tenants/:tenantId/offsite-destination', offsiteDestinationRouter(deps));
  v1.use('/baselines', baselinesRouter(deps));
  v1.use('/tenants/:tenantId/policies', policiesRouter(deps));
  v1.use('/tenants/:tenantId/notification-channels', notificationChannelsRouter(deps, TENANT_CHANNELS));
  v1.use('/notification-channels', notificationChannelsRouter(deps, PLATFORM_CHANNELS));
  v1.use('/tenants/:tenantId/baseline-subscriptions', baselineSubscriptionsRouter(deps));
  v1.use('/tenants/:tenantId/restore-settings', restoreSettingsRouter(deps));
  v1.use('/tenants/:tenantId/status', tenantStatusRouter(deps));
  v1.use('/status', statusRouter(deps));
  v1.use('/tenants/:tenantId/restores', restoresRouter(deps));
  app.use('/v1', v1);

  app.use(notFoundRoute);
  app.use(problemMiddleware(deps.logger));
  return app;
}
