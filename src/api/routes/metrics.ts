import { Router } from 'express';
import { METRICS_CONTENT_TYPE, metricsText } from '../../metrics/metrics';

/** Prometheus scrape endpoint; like the health probes, outside the bearer-token API. */
export function metricsRouter(): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(METRICS_CONTENT_TYPE).send(await metricsText());
  });
  return router;
}
