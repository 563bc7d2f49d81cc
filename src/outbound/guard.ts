// The one check of a user-supplied URL before anything is sent to it: its form, its host against
// an allowlist, and (unless the operator trusts the host) every address its name resolves to.
// The connector (connector.ts) repeats the address check at connect time, against DNS rebinding.
import { lookup } from 'node:dns/promises';
import { isIpAddress, nonPublicReason } from './addresses';
import { hostKey, type OutboundAllowlist } from './allowlist';

export type OutboundVerdict =
  | {
      allowed: true;
      /** The URL as parsed; its `origin` is the canonical form to store and to call. */
      url: URL;
      /** The operator listed this host:port: it is reached whatever it resolves to. */
      trusted: boolean;
    }
  | {
      allowed: false;
      /** Why, for a person; names no resolved address and never the URL's user info. */
      reason: string;
      /** The host name did not resolve: a later attempt may succeed. */
      unresolved: boolean;
    };

/** Every address a host name resolves to, as the connection's own lookup would find them. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/**
 * getaddrinfo can take the resolver's retries (tens of seconds) to give up; an API request or
 * a run should not wait that long to learn the host does not resolve.
 */
const RESOLVE_TIMEOUT_MS = 5_000;

export const resolveWithSystem: ResolveHost = async (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`resolving ${hostname} timed out`)), RESOLVE_TIMEOUT_MS);
  });
  try {
    const entries = await Promise.race([lookup(hostname, { all: true, verbatim: true }), timeout]);
    return entries.map((entry) => entry.address);
  } finally {
    clearTimeout(timer);
  }
};

const refused = (reason: string) => ({ allowed: false, reason, unresolved: false }) as const;

/**
 * `service_root`: a base URL callers append their own paths to (Graph, login): no path, no query.
 * `endpoint`: the URL requests go to as it is (a webhook, a Teams Workflows URL, whose query
 * carries its signature): path and query allowed.
 */
export type UrlForm = 'service_root' | 'endpoint';

/**
 * What is wrong with the URL's form, or undefined: https only, no user info or fragment, and for
 * a service root no query and no path but "/". Checked on the text as well as the parsed URL,
 * since the parser drops an empty "?" or "#".
 */
export function urlFormProblem(text: string, form: UrlForm = 'service_root'): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL';
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (text.includes('#')) return 'must not have a fragment';
  if (form === 'endpoint') return undefined;
  if (text.includes('?')) return 'must not have a query';
  if (url.pathname !== '/') return 'must be the service root, without a path';
  return undefined;
}

/** The verdict on `text` under `allowlist`; resolves the host unless the operator trusts it. */
export async function checkOutboundUrl(
  text: string,
  allowlist: OutboundAllowlist,
  resolve: ResolveHost = resolveWithSystem,
  form: UrlForm = 'service_root',
): Promise<OutboundVerdict> {
  const problem = urlFormProblem(text, form);
  if (problem) return refused(problem);
  const url = new URL(text);
  const key = hostKey(url);
  if (allowlist.trustedHosts.has(key)) return { allowed: true, url, trusted: true };

  const host = unbracket(url.hostname);
  if (isIpAddress(host)) {
    const reason = nonPublicReason(host);
    if (reason) return refused(`${host} is ${reason}`);
  }
  if (allowlist.publicHosts !== 'any' && !allowlist.publicHosts.has(key))
    return refused(`${key} is not on the allowlist`);
  if (isIpAddress(host)) return { allowed: true, url, trusted: false };

  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return { allowed: false, reason: `${host} could not be resolved`, unresolved: true };
  }
  if (addresses.length === 0)
    return { allowed: false, reason: `${host} could not be resolved`, unresolved: true };
  if (addresses.some((address) => nonPublicReason(address) !== undefined))
    return refused(`${host} resolves to an address that is not public`);
  return { allowed: true, url, trusted: false };
}

export function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
