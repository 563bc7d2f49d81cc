// Where offsite destinations (an Azure account URL or connection string's BlobEndpoint, an S3
// endpoint) may point: any host whose addresses are all public, plus the operator's
// OFFSITE_ENDPOINT_ALLOWLIST entries (Azurite or s3rver on loopback in development and tests),
// reached whatever they resolve to. The API checks a destination when it is saved, the store
// again before each copy, and the agent at every connection.
import type { OutboundAllowlist } from './allowlist';

export function offsiteEndpointAllowlist(trustedEntries: readonly string[] = []): OutboundAllowlist {
  return { publicHosts: 'any', trustedHosts: new Set(trustedEntries) };
}
