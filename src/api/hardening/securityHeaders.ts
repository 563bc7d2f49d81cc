// Security headers on every response. The API answers JSON, but /docs is a page in a browser:
// its scripts and styles come from this origin only (Swagger UI sets inline style attributes
// and uses data: images, hence those two allowances).
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        // The API may be served over plain HTTP inside a network (and is in dev): upgrading the
        // page's requests to HTTPS would break /docs there.
        'upgrade-insecure-requests': null,
      },
    },
  });
}
