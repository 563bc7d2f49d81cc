// Where a tenant's `graphBaseUrl` and `loginBaseUrl` may point: the worker sends the tenant's
// client secret to the login host and bearer tokens to the Graph host, and stores what Graph
// answers. The API checks both URLs when a tenant is written, the worker before every run.
import type { OutboundAllowlist } from './allowlist';

/**
 * Microsoft Graph and Entra ID (login) hosts of the global service and the national clouds:
 * US Government L4 (GCC High) and L5 (DoD), and China operated by 21Vianet. From Microsoft's
 * "Microsoft Graph national cloud deployments" (https://learn.microsoft.com/graph/deployments,
 * tables "App registration and token service root endpoints" and "Microsoft Graph and Graph
 * Explorer service root endpoints") and "National clouds" of the Microsoft identity platform
 * (https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud), which
 * gives login.partner.microsoftonline.cn for 21Vianet where the Graph page gives
 * login.chinacloudapi.cn; both are allowed. US Government L4 and L5 share one login host.
 */
export const MICROSOFT_GRAPH_HOSTS = [
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
] as const;

export const MICROSOFT_LOGIN_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
] as const;

/** The fields of a tenant that name an outbound endpoint. */
export const GRAPH_ENDPOINT_FIELDS = ['graphBaseUrl', 'loginBaseUrl'] as const;
export type GraphEndpointField = (typeof GRAPH_ENDPOINT_FIELDS)[number];

/**
 * Microsoft's hosts on port 443, which must resolve to public addresses, plus the operator's
 * GRAPH_ENDPOINT_ALLOWLIST entries (keys from parseAllowlist), reached whatever they resolve to.
 */
export function graphEndpointAllowlist(trustedEntries: readonly string[] = []): OutboundAllowlist {
  return {
    publicHosts: new Set([...MICROSOFT_GRAPH_HOSTS, ...MICROSOFT_LOGIN_HOSTS].map((host) => `${host}:443`)),
    trustedHosts: new Set(trustedEntries),
  };
}
