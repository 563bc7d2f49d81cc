import { readFileSync } from 'node:fs';
import { CLIENT_BUDGET_SHARE, clientBudgetFor, GraphClientFactory } from '../graph';
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
 * API's connection tests reach Graph the same way (allowlist, deadline, CA), each process with
 * its `budgetShare` of the tenant's request budget (CLIENT_BUDGET_SHARE for the worker,
 * API_BUDGET_SHARE for the API: together within Graph's).
 */
export function graphClientFactoryFrom(
  config: GraphClientConfig,
  logger: Logger,
  budgetShare = CLIENT_BUDGET_SHARE,
): GraphClientFactory {
  return new GraphClientFactory({
    logger,
    requestTimeoutMs: config.GRAPH_REQUEST_TIMEOUT_SECONDS * 1000,
    requestBudget: clientBudgetFor(
      { limit: config.GRAPH_TENANT_REQUESTS_PER_20S, windowMs: 20_000 },
      budgetShare,
    ),
    endpointAllowlist: graphEndpointAllowlist(config.GRAPH_ENDPOINT_ALLOWLIST),
    ...(config.GRAPH_CA_FILE ? { trustedCaPem: readFileSync(config.GRAPH_CA_FILE, 'utf8') } : {}),
  });
}
