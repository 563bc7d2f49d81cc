import { createHash } from 'node:crypto';

export interface GraphTenantCredentials {
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
  /** null/undefined: Microsoft's public cloud. */
  graphBaseUrl?: string | null;
  /** null/undefined: Microsoft's public cloud. */
  loginBaseUrl?: string | null;
}

export const PUBLIC_GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const PUBLIC_LOGIN_BASE_URL = 'https://login.microsoftonline.com';
/**
 * The Graph resource is named by this URI whatever host serves it, so the emulator expects it too.
 * (National clouds use other resource URIs; they are out of scope for now.)
 */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface ResolvedEndpoints {
  graphBaseUrl: string;
  loginBaseUrl: string;
  isPublicCloud: boolean;
}

export function resolveEndpoints(creds: GraphTenantCredentials): ResolvedEndpoints {
  const loginBaseUrl = trimSlash(creds.loginBaseUrl ?? PUBLIC_LOGIN_BASE_URL);
  return {
    graphBaseUrl: trimSlash(creds.graphBaseUrl ?? PUBLIC_GRAPH_BASE_URL),
    loginBaseUrl,
    isPublicCloud: loginBaseUrl === PUBLIC_LOGIN_BASE_URL,
  };
}

/** Identifies a credential set without keeping the secret itself as a map key. */
export function credentialFingerprint(creds: GraphTenantCredentials): string {
  const { graphBaseUrl, loginBaseUrl } = resolveEndpoints(creds);
  return createHash('sha256')
    .update(
      JSON.stringify([creds.azureTenantId, creds.clientId, creds.clientSecret, graphBaseUrl, loginBaseUrl]),
    )
    .digest('hex');
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
