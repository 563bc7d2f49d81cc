import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GRAPH_SCOPE } from '../graph/credentials';
import { type Reply, readBody } from './httpUtil';
import { secretsEqual, type TenantStore, TOKEN_LIFETIME_SECONDS } from './tenantStore';

// The slice of the Microsoft identity platform that an app-only MSAL client touches:
// the v2.0 token endpoint (client credentials) and the discovery documents.

/** Scopes MSAL may add to any request; everything else must be the Graph `.default` scope. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

export async function handleToken(
  req: IncomingMessage,
  store: TenantStore,
  azureTenantId: string,
): Promise<Reply> {
  const text = await readBody(req);
  store.countTokenRequest(azureTenantId);
  const form = new URLSearchParams(text);
  const tenant = store.get(azureTenantId);
  if (tenant === undefined) {
    return aadError(
      400,
      'invalid_request',
      90002,
      `Tenant '${azureTenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }
  if (form.get('client_id') !== tenant.clientId) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${tenant.displayName}'.`,
    );
  }
  // A revoked secret (fault `revokeSecret`) fails exactly like a wrong one.
  if (tenant.faults.revokeSecret || !secretsEqual(form.get('client_secret') ?? '', tenant.clientSecret)) {
    return aadError(
      401,
      'invalid_client',
      7000215,
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
    );
  }
  const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s !== '' && !OIDC_SCOPES.has(s));
  if (scopes.length !== 1 || scopes[0] !== GRAPH_SCOPE) {
    return aadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
    );
  }
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: store.issueToken(tenant),
    },
    headers: { 'cache-control': 'no-store' },
  };
}

/** The identity platform's error body, with the AADSTS code that MSAL surfaces. */
function aadError(status: number, error: string, code: number, description: string): Reply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const body = {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
  return { status, body };
}

/** `/<tenant>/v2.0/.well-known/openid-configuration`, for clients that do discover. */
export function openIdConfiguration(baseUrl: string, azureTenantId: string): Record<string, unknown> {
  const authority = `${baseUrl}/${azureTenantId}`;
  return {
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${authority}/v2.0`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
  };
}

/** `/common/discovery/instance`: this host is its own (only) alias. */
export function instanceDiscovery(baseUrl: string, azureTenantId: string): Record<string, unknown> {
  const host = new URL(baseUrl).host;
  return {
    tenant_discovery_endpoint: `${baseUrl}/${azureTenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
