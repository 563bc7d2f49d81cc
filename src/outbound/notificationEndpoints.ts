// Where notification channels (webhook and Teams URLs) may point: any host whose addresses are
// all public, plus the operator's NOTIFICATION_ENDPOINT_ALLOWLIST entries (a receiver on loopback
// in development and tests), reached whatever they resolve to. The API checks a URL when a
// channel is saved, the worker again at every send (the address may change in between).
import type { OutboundAllowlist } from './allowlist';

export function notificationEndpointAllowlist(trustedEntries: readonly string[] = []): OutboundAllowlist {
  return { publicHosts: 'any', trustedHosts: new Set(trustedEntries) };
}
