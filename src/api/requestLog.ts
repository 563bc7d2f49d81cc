import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import { routeTemplate } from './httpMetrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * One log line per request with its request id (the caller's `x-request-id` if sane, else a new
 * one, echoed back), route template, status, duration, and the tenant and schedule it concerned.
 * Never the URL's query or the body: either could carry a secret.
 */
export function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    const started = performance.now();
    res.on('finish', () => {
      const params = req.params as Record<string, string | undefined>;
      logger.info(
        {
          requestId,
          method: req.method,
          route: routeTemplate(req.baseUrl, req.route?.path, req.params),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
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
