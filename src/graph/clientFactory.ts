import pino, { type Logger } from 'pino';
import type { Agent } from 'undici';
import { credentialFingerprint, type GraphTenantCredentials, resolveEndpoints } from './credentials';
import { GraphClient } from './graphClient';
import { TenantTokenProvider } from './tokenProvider';
import { createAgent } from './transport';

export interface GraphClientFactoryOptions {
  /** PEM of an extra CA to trust (the emulator's), on top of the system roots. */
  trustedCaPem?: string;
  logger?: Logger;
}

/**
 * Process-wide owner of the connection pool and of one MSAL application per tenant, so tokens
 * are reused across activities instead of being requested for every Graph call.
 */
export class GraphClientFactory {
  private readonly agent: Agent;
  private readonly logger: Logger;
  private readonly tenants = new Map<string, { fingerprint: string; tokens: TenantTokenProvider }>();

  constructor(opts: GraphClientFactoryOptions = {}) {
    this.agent = createAgent(opts.trustedCaPem);
    this.logger = opts.logger ?? pino({ level: 'silent' });
  }

  /**
   * A client for the tenant. Changed credentials (e.g. a rotated secret) replace the cached MSAL
   * application, and with it the old tokens.
   */
  forTenant(tenantKey: string, creds: GraphTenantCredentials): GraphClient {
    const fingerprint = credentialFingerprint(creds);
    let entry = this.tenants.get(tenantKey);
    const logger = this.logger.child({ tenantKey });
    if (entry?.fingerprint !== fingerprint) {
      entry = { fingerprint, tokens: new TenantTokenProvider(creds, this.agent, logger) };
      this.tenants.set(tenantKey, entry);
    }
    return new GraphClient({
      agent: this.agent,
      tokens: entry.tokens,
      graphBaseUrl: resolveEndpoints(creds).graphBaseUrl,
      logger,
    });
  }

  /** Forgets a tenant's cached application and tokens (e.g. after the tenant was deleted). */
  forget(tenantKey: string): void {
    this.tenants.delete(tenantKey);
  }

  /** Closes pooled connections; call on shutdown. */
  async close(): Promise<void> {
    this.tenants.clear();
    await this.agent.close();
  }
}
