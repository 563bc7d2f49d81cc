import { AuthError, ConfidentialClientApplication, type Configuration, LogLevel } from '@azure/msal-node';
import type { Logger } from 'pino';
import type { Agent } from 'undici';
import { GRAPH_SCOPE, type GraphTenantCredentials, resolveEndpoints } from './credentials';
import { GraphAuthError, redact } from './errors';
import { createMsalNetworkClient } from './transport';

/** MSAL's own default: a cached token within five minutes of expiry is refreshed. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * App-only Graph tokens for one tenant's credentials, from one MSAL application whose in-memory
 * cache serves every caller in the process until the token nears expiry.
 */
export class TenantTokenProvider {
  private readonly app: ConfidentialClientApplication;
  private readonly secret: string;
  private pending: Promise<string> | undefined;
  private refreshing: Promise<string> | undefined;
  private lastToken: string | undefined;
  private cached: { token: string; refreshAt: number } | undefined;

  constructor(creds: GraphTenantCredentials, agent: Agent, logger: Logger) {
    this.secret = creds.clientSecret;
    this.app = new ConfidentialClientApplication(msalConfiguration(creds, agent, logger));
  }

  /** A valid token; concurrent callers share one acquisition so a cold cache costs one request. */
  getToken(): Promise<string> {
    // MSAL's cache lookup costs about as much as a Graph call on the emulator (bench:sync); the
    // token is reused here until MSAL itself would refresh it.
    if (this.cached && Date.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.acquire(false).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /**
   * Called after Graph answered 401 to `rejected`: fetches a new token bypassing MSAL's cache,
   * unless another caller already replaced that token.
   */
  refreshAfterRejection(rejected: string): Promise<string> {
    if (this.lastToken !== undefined && this.lastToken !== rejected) return Promise.resolve(this.lastToken);
    this.cached = undefined;
    this.refreshing ??= this.acquire(true).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * The application permissions (`roles` claim) of the current access token, as Entra lists them
   * for app-only tokens; null when the token is not a JWT. Read without verifying the signature:
   * advisory only (a plan blocks types whose write permission is missing), Graph still enforces.
   */
  async roles(): Promise<string[] | null> {
    return rolesOfAccessToken(await this.getToken());
  }

  private async acquire(skipCache: boolean): Promise<string> {
    let accessToken: string | undefined;
    let expiresOn: Date | null | undefined;
    try {
      const result = await this.app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], skipCache });
      accessToken = result?.accessToken;
      expiresOn = result?.expiresOn;
    } catch (error) {
      throw this.toAuthError(error);
    }
    if (!accessToken) throw new GraphAuthError('Token acquisition returned no access token');
    this.lastToken = accessToken;
    this.cached = expiresOn
      ? { token: accessToken, refreshAt: expiresOn.getTime() - TOKEN_REFRESH_MARGIN_MS }
      : undefined;
    return accessToken;
  }

  // MSAL's messages carry the AADSTS code and description (never the secret), but redact anyway:
  // this text ends up in Temporal histories and the UI.
  private toAuthError(error: unknown): GraphAuthError {
    if (error instanceof AuthError) {
      const detail = error.errorMessage || error.message;
      return new GraphAuthError(
        redact(`Token acquisition failed: ${error.errorCode}${detail ? `: ${detail}` : ''}`, [this.secret]),
        { code: error.errorCode },
      );
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new GraphAuthError(redact(`Token acquisition failed: ${detail}`, [this.secret]));
  }
}

/** The `roles` claim of a JWT's payload, unverified; null for a token that is not a JWT. */
export function rolesOfAccessToken(token: string): string[] | null {
  const [, payload, signature] = token.split('.');
  if (payload === undefined || signature === undefined) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const roles = (claims as { roles?: unknown }).roles;
  // A JWT without the claim grants no application permission at all.
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

function msalConfiguration(creds: GraphTenantCredentials, agent: Agent, logger: Logger): Configuration {
  const { loginBaseUrl, isPublicCloud } = resolveEndpoints(creds);
  const authority = `${loginBaseUrl}/${creds.azureTenantId}`;
  const auth: Configuration['auth'] = {
    clientId: creds.clientId,
    clientSecret: creds.clientSecret,
    authority,
  };
  if (!isPublicCloud) {
    // A non-Microsoft login host (the emulator): hand MSAL the discovery documents it would
    // otherwise fetch from login.microsoftonline.com, so every request goes to this host.
    const host = new URL(loginBaseUrl).host;
    auth.knownAuthorities = [host];
    auth.authorityMetadata = JSON.stringify({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    });
    auth.cloudDiscoveryMetadata = JSON.stringify({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }
  return {
    auth,
    system: {
      networkClient: createMsalNetworkClient(agent),
      loggerOptions: {
        logLevel: LogLevel.Warning,
        piiLoggingEnabled: false,
        loggerCallback: (level, message, containsPii) => {
          // App-only tokens never come with client_info; MSAL warns about it on every acquisition.
          if (containsPii || message.includes('No client info in response')) return;
          if (level === LogLevel.Error) logger.error({ msal: true }, message);
          else if (level === LogLevel.Warning) logger.warn({ msal: true }, message);
        },
      },
    },
  };
}
