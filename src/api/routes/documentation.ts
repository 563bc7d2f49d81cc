// As-built documentation of a backup set (/v1/tenants/:tenantId/backup-sets/:setId/documentation).
// Every refusal (404, 422) comes from prepareDocumentation, before a byte of the document is sent;
// a failure once streaming has begun can only end the response early.
import { Router } from 'express';
import { z } from 'zod';
import { DOCUMENTATION_FORMATS } from '../../export/documentation/model';
import { prepareDocumentation } from '../../services/documentation';
import { callerMay } from '../authorize';
import type { ApiDeps } from '../deps';
import { param, parseQuery, pathId } from '../validation';

export const documentationQuery = z
  .strictObject({
    format: z.enum(DOCUMENTATION_FORMATS).default('md').describe('md (default), html or csv'),
    changesSince: z
      .uuid({ error: 'must be the id of another backup set of this tenant' })
      .optional()
      .describe('md and html: an appendix of the field-level changes from that set to this one'),
  })
  .strict();

// The page is self-contained: nothing but its own inline style may load, whoever opens it.
const DOCUMENT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function documentationRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const query = parseQuery(documentationQuery, req.query);
    const document = await prepareDocumentation(deps.db, {
      tenantId: pathId(param(req, 'tenantId'), 'tenant'),
      setId: pathId(param(req, 'setId'), 'backup set'),
      format: query.format,
      ...(query.changesSince ? { changesSince: query.changesSince } : {}),
      mayReadScripts: callerMay(res, 'scripts:read'),
    });
    res.status(200);
    res.setHeader('Content-Type', document.contentType);
    res.setHeader('Content-Disposition', `inline; filename="${document.fileName}"`);
    res.setHeader('Content-Security-Policy', DOCUMENT_CSP);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await document.write(res);
      res.end();
    } catch (error) {
      // Headers are sent: no problem+json can follow, only an ended connection the client sees.
      deps.logger.warn({ err: error }, 'documentation stream ended early');
      res.destroy();
    }
  });

  return router;
}
