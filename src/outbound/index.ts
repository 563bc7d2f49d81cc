// Outbound requests to URLs that users supply (tenant Graph endpoints today; webhooks and
// offsite stores later) go through this guard: checkOutboundUrl before a URL is stored or used,
// guardedConnector on the agent that makes the requests.
export { isPublicAddress, nonPublicReason } from './addresses';
export {
  AllowlistEntryError,
  type OutboundAllowlist,
  parseAllowlist,
  parseAllowlistEntry,
} from './allowlist';
export { type GuardedConnectorOptions, guardedConnector, OutboundConnectionRefusedError } from './connector';
export {
  GRAPH_ENDPOINT_FIELDS,
  type GraphEndpointField,
  graphEndpointAllowlist,
  MICROSOFT_GRAPH_HOSTS,
  MICROSOFT_LOGIN_HOSTS,
} from './graphEndpoints';
export {
  checkOutboundUrl,
  type OutboundVerdict,
  type ResolveHost,
  resolveWithSystem,
  type UrlForm,
  urlFormProblem,
} from './guard';
export { notificationEndpointAllowlist } from './notificationEndpoints';
export { GuardedHttpsAgent } from './nodeAgent';
export { offsiteEndpointAllowlist } from './offsiteEndpoints';
