import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import { httpDuration, httpRequests } from '../metrics/metrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * When each request finishes: one log line and the Prometheus request metrics, both by route
 * template ("/v1/tenants/:tenantId/runs"), never by raw path, since ids in metric labels would
 * make one time series per tenant and run. The template and the path parameters are the ones the
 * authorization recorded when the route table matched (./authorize.ts): by 'finish', Express has
 * reset req.baseUrl and req.params of a request whose handler failed, which lost the mount path. The log line carries the request id (the caller's
 * `x-request-id` if sane, else a new one, echoed back), status, duration and the tenant, schedule
 * and run ids; never the query or the body, which could carry a secret.
 */
export function observeRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    const started = performance.now();
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = (res.locals.routePath as string | undefined) ?? 'unmatched';
      httpDuration.observe({ method: req.method, route }, seconds);
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      const params = (res.locals.routeParams ?? {}) as Record<string, string | undefined>;
      logger.info(
        {
          requestId,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
          ...(params.tenantId ? { tenantId: params.tenantId } : {}),
          ...(params.scheduleId ? { scheduleId: params.scheduleId } : {}),
          ...(params.runId ? { runId: params.runId } : {}),
        },
        'request',
      );
    });
    next();
  };
}
