// GET /v1/tenants/{tenantId}/backup-sets/{setId}/export: the set as a zip or tar.gz archive,
// streamed (src/export/archive.ts). Problems (unknown set, bad format) are answered before any
// byte; a failure once the archive flows can only cut the response short, which the client sees
// as a truncated archive (verify-export names it).
import { Router } from 'express';
import { z } from 'zod';
import { prepareSetArchive } from '../../export/archive';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS } from '../../export/types';
import { callerMay } from '../authorize';
import type { ApiDeps } from '../deps';
import { param, parseQuery, pathId } from '../validation';

export const exportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS).default('zip').describe('the archive format (default zip)'),
});

export function backupSetExportRouter(deps: ApiDeps): Router {
  const router = Router({ mergeParams: true });

  router.get('/:setId/export', async (req, res) => {
    const { format } = parseQuery(exportQuery, req.query);
    const prepared = await prepareSetArchive(deps.db, {
      tenantId: pathId(param(req, 'tenantId'), 'tenant'),
      setId: pathId(param(req, 'setId'), 'backup set'),
      format,
      mayReadScripts: callerMay(res, 'scripts:read'),
    });
    res.status(200);
    res.setHeader('Content-Type', EXPORT_CONTENT_TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="${prepared.fileName}"`);
    try {
      await prepared.write(res);
    } catch (error) {
      // The pipeline destroyed the response already; before headers went out, a problem answer.
      if (!res.headersSent && !res.destroyed) throw error;
      res.destroy();
      deps.logger.warn({ err: error, setId: req.params.setId }, 'export ended early');
    }
  });

  return router;
}
