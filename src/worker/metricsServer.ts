// The worker has no HTTP API; this tiny server exposes its metrics for Prometheus to scrape.
// node:http is enough for one read-only route.
import { createServer, type Server } from 'node:http';
import type { Logger } from '../logging/logger';
import { METRICS_CONTENT_TYPE, metricsText } from '../metrics/metrics';

export function startMetricsServer(port: number, logger: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metricsText().then(
      (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
      (error) => {
        logger.error({ err: error }, 'could not render metrics');
        res.writeHead(500).end();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      logger.info({ port }, 'worker metrics on /metrics');
      resolve(server);
    });
  });
}
