import pino, { type Logger } from 'pino';
import type { Agent } from 'undici';
import {
  checkOutboundUrl,
  graphEndpointAllowlist,
  type OutboundAllowlist,
  type ResolveHost,
  resolveWithSystem,
} from '../outbound';
import { credentialFingerprint, type GraphTenantCredentials, resolveEndpoints } from './credentials';
import { GraphEndpointRefusedError } from './errors';
import { GraphClient } from './graphClient';
import { ListExpansionFallbacks } from './listExpansion';
import { DEFAULT_GRAPH_REQUEST_TIMEOUT_MS, GraphHttp } from './graphHttp';
import { CLIENT_TENANT_BUDGET, RequestBudget, type RequestBudgetOptions } from './requestBudget';
import { TenantTokenProvider } from './tokenProvider';
import { createAgent } from './transport';

export interface GraphClientFactoryOptions {
  /** PEM of an extra CA to trust (the emulator's), on top of the system roots. */
  trustedCaPem?: string;
  logger?: Logger;
  /** Per-tenant request budget; just under Graph's documented limit unless a test or bench says otherwise. */
  requestBudget?: RequestBudgetOptions;
  /** Deadline of one Graph request, headers and body together. */
  requestTimeoutMs?: number;
  /**
   * Where tenants' Graph and login URLs may point (graphEndpointAllowlist with the operator's
   * GRAPH_ENDPOINT_ALLOWLIST); Microsoft's hosts only unless given.
   */
  endpointAllowlist?: OutboundAllowlist;
  /** Host name resolution of the endpoint check; the system's unless a test replaces it. */
  resolveHost?: ResolveHost;
  /**
   * List-level `$expand` where the registry has evidence for it (PolicyCollection.listExpand);
   * on unless false (tests compare both ways).
   */
  listExpansions?: boolean;
}

/**
 * Process-wide owner of the connection pool and of one MSAL application per tenant, so tokens
 * are reused across activities instead of being requested for every Graph call.
 */
export class GraphClientFactory {
  private readonly agent: Agent;
  private readonly logger: Logger;
  private readonly budgetOptions: RequestBudgetOptions;
  private readonly requestTimeoutMs: number;
  private readonly allowlist: OutboundAllowlist;
  private readonly resolveHost: ResolveHost;
  private readonly tenants = new Map<string, { fingerprint: string; tokens: TenantTokenProvider }>();
  // Kept apart from the credentials: a rotated secret is still the same app in the same tenant,
  // and Graph's throttling counts it as such.
  private readonly budgets = new Map<string, RequestBudget>();
  private readonly listExpansions: boolean;
  private readonly expansionFallbacks = new ListExpansionFallbacks();

  constructor(opts: GraphClientFactoryOptions = {}) {
    this.allowlist = opts.endpointAllowlist ?? graphEndpointAllowlist();
    this.resolveHost = opts.resolveHost ?? resolveWithSystem;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_GRAPH_REQUEST_TIMEOUT_MS;
    this.agent = createAgent(this.allowlist, opts.trustedCaPem, this.requestTimeoutMs);
    this.logger = opts.logger ?? pino({ level: 'silent' });
    this.budgetOptions = opts.requestBudget ?? CLIENT_TENANT_BUDGET;
    this.listExpansions = opts.listExpansions ?? true;
  }

  /**
   * A client for the tenant, once both of its endpoints passed the outbound guard (else a
   * GraphEndpointRefusedError, and nothing is sent). Rows written before the API checked them,
   * or edited in the database, are checked here too. Changed credentials (e.g. a rotated secret)
   * replace the cached MSAL application, and with it the old tokens. The request budget is the
   * tenant's either way.
   */
  async forTenant(
    tenantKey: string,
    tenantCreds: GraphTenantCredentials,
    opts: { freshToken?: boolean } = {},
  ): Promise<GraphClient> {
    const creds = await this.checkedEndpoints(tenantCreds);
    const fingerprint = credentialFingerprint(creds);
    let entry = this.tenants.get(tenantKey);
    const logger = this.logger.child({ tenantKey });
    // freshToken (the connection test): a cached token proves nothing about a secret revoked
    // since it was issued, so a new MSAL application asks the token endpoint again.
    if (entry?.fingerprint !== fingerprint || opts.freshToken) {
      entry = { fingerprint, tokens: new TenantTokenProvider(creds, this.agent, logger) };
      this.tenants.set(tenantKey, entry);
    }
    let budget = this.budgets.get(tenantKey);
    if (!budget) {
      budget = new RequestBudget(this.budgetOptions);
      this.budgets.set(tenantKey, budget);
    }
    const http = new GraphHttp({
      agent: this.agent,
      tokens: entry.tokens,
      budget,
      logger,
      requestTimeoutMs: this.requestTimeoutMs,
    });
    return new GraphClient(http, resolveEndpoints(creds).graphBaseUrl, {
      enabled: this.listExpansions,
      tenantKey,
      fallbacks: this.expansionFallbacks,
      warn: (message, fields) => logger.warn(fields, message),
    });
  }

  /**
   * The credentials with both endpoints as the canonical origins the guard accepted. A refusal
   * that no retry can change is reported before a host that merely did not resolve.
   */
  private async checkedEndpoints(creds: GraphTenantCredentials): Promise<GraphTenantCredentials> {
    const endpoints = resolveEndpoints(creds);
    const check = (url: string) => checkOutboundUrl(url, this.allowlist, this.resolveHost);
    const [graph, login] = await Promise.all([check(endpoints.graphBaseUrl), check(endpoints.loginBaseUrl)]);
    if (graph.allowed && login.allowed)
      return { ...creds, graphBaseUrl: graph.url.origin, loginBaseUrl: login.url.origin };
    const refusals: GraphEndpointRefusedError[] = [];
    if (!graph.allowed)
      refusals.push(new GraphEndpointRefusedError('graphBaseUrl', graph.reason, graph.unresolved));
    if (!login.allowed)
      refusals.push(new GraphEndpointRefusedError('loginBaseUrl', login.reason, login.unresolved));
    throw refusals.find((refusal) => !refusal.unresolved) ?? refusals[0];
  }

  /** Forgets a tenant's cached application and tokens (e.g. after the tenant was deleted). */
  forget(tenantKey: string): void {
    this.tenants.delete(tenantKey);
    this.budgets.delete(tenantKey);
    this.expansionFallbacks.forget(tenantKey);
  }

  /** Closes pooled connections; call on shutdown. */
  async close(): Promise<void> {
    this.tenants.clear();
    this.budgets.clear();
    // Destroy, not close: a request given up at its deadline may still wait on a host that never
    // answers (graphHttp.ts), and a graceful close would wait for it.
    await this.agent.destroy();
  }
}
