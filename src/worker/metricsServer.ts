// The worker has no HTTP API; this tiny server exposes its metrics for Prometheus to scrape.
// node:http is enough for one read-only route.
import { createServer, type Server } from 'node:http';
import type { Logger } from '../logging/logger';
import { METRICS_CONTENT_TYPE, metricsText } from '../metrics/metrics';

/** `host` unset: every interface. */
export function startMetricsServer(port: number, host: string | undefined, logger: Logger): Promise<Server> {
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
    const listening = () => {
      logger.info({ port, host }, 'worker metrics on /metrics');
      resolve(server);
    };
    if (host) server.listen(port, host, listening);
    else server.listen(port, listening);
  });
}
