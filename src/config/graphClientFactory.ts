import { readFileSync } from 'node:fs';
import { clientBudgetFor, GraphClientFactory } from '../graph';
import type { Logger } from '../logging/logger';
import { graphEndpointAllowlist } from '../outbound';
import type { ApiConfig, WorkerConfig } from './env';

type GraphClientConfig = Pick<
  ApiConfig & WorkerConfig,
  | 'GRAPH_CA_FILE'
  | 'GRAPH_TENANT_REQUESTS_PER_20S'
  | 'GRAPH_REQUEST_TIMEOUT_SECONDS'
  | 'GRAPH_ENDPOINT_ALLOWLIST'
>;

/**
 * The Graph client factory of a process, from its configuration: the worker's syncs and the
 * API's connection tests reach Graph the same way (allowlist, request budget, deadline, CA).
 */
export function graphClientFactoryFrom(config: GraphClientConfig, logger: Logger): GraphClientFactory {
  return new GraphClientFactory({
    logger,
    requestTimeoutMs: config.GRAPH_REQUEST_TIMEOUT_SECONDS * 1000,
    requestBudget: clientBudgetFor({ limit: config.GRAPH_TENANT_REQUESTS_PER_20S, windowMs: 20_000 }),
    endpointAllowlist: graphEndpointAllowlist(config.GRAPH_ENDPOINT_ALLOWLIST),
    ...(config.GRAPH_CA_FILE ? { trustedCaPem: readFileSync(config.GRAPH_CA_FILE, 'utf8') } : {}),
  });
}
