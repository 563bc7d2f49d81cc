import type { RequestHandler } from 'express';
import { httpDuration, httpRequests } from '../metrics/metrics';

/**
 * Counts and times each request by its route template ("/v1/tenants/:tenantId/runs"), never by
 * its raw path: ids in label values would make one time series per tenant and run.
 */
export function recordHttpMetrics(): RequestHandler {
  return (req, res, next) => {
    const stopTimer = httpDuration.startTimer();
    res.on('finish', () => {
      const route = routeTemplate(req.baseUrl, req.route?.path, req.params);
      stopTimer({ method: req.method, route });
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

// Express keeps the matched mount path with its values (baseUrl) and the route's own template;
// the values are put back as the parameter names.
export function routeTemplate(
  baseUrl: string,
  routePath: unknown,
  params: Record<string, string | string[]>,
): string {
  if (typeof routePath !== 'string') return 'unmatched';
  let template = `${baseUrl}${routePath === '/' ? '' : routePath}` || '/';
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string' && value !== '') template = template.split(`/${value}`).join(`/:${name}`);
  }
  return template;
}
