// Which hosts outbound requests may reach, keyed `host:port` exactly as the WHATWG URL parser
// spells them (lower case, punycode, IPv6 in brackets, IPv4 in dotted decimal), so the key of
// an entry, of a URL and of a connection compare as strings.

/**
 * `publicHosts`: hosts that may be reached if every address they resolve to is public; `'any'`
 * admits every host on that condition (for URLs that may name any server, such as webhooks).
 * `trustedHosts`: entries an operator listed explicitly; reached whatever they resolve to (an
 * emulator on loopback, a proxy on the internal network).
 */
export interface OutboundAllowlist {
  publicHosts: ReadonlySet<string> | 'any';
  trustedHosts: ReadonlySet<string>;
}

const HTTPS_PORT = '443';

/** The allowlist key of a parsed https URL. */
export function hostKey(url: URL): string {
  return `${url.hostname}:${url.port || HTTPS_PORT}`;
}

/** The allowlist key of a connection (undici gives IPv6 hosts without brackets). */
export function connectionKey(hostname: string, port: string | number | undefined): string {
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return `${host.toLowerCase()}:${port === undefined || port === '' ? HTTPS_PORT : String(port)}`;
}

export class AllowlistEntryError extends Error {}

/**
 * One `host` or `host:port` entry as its key; a host without a port means 443. Refuses anything
 * else (a scheme, a path, user info, a wildcard), naming what is wrong but not the entry itself.
 */
export function parseAllowlistEntry(entry: string): string {
  const text = entry.trim();
  if (!/^(?:\[[0-9a-fA-F:.]+\]|[^\s/?#@[\]:*\\]+)(?::\d{1,5})?$/.test(text))
    throw new AllowlistEntryError('must be a host or host:port (no scheme, path or wildcard)');
  let url: URL;
  try {
    url = new URL(`https://${text}`);
  } catch {
    throw new AllowlistEntryError('is not a valid host or host:port');
  }
  return hostKey(url);
}

/** Comma-separated entries (blank ones ignored) as keys; the error names the entry's position. */
export function parseAllowlist(text: string | undefined): string[] {
  const entries = (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  return entries.map((entry, index) => {
    try {
      return parseAllowlistEntry(entry);
    } catch (error) {
      if (error instanceof AllowlistEntryError)
        throw new AllowlistEntryError(`entry ${index + 1} ${error.message}`);
      throw error;
    }
  });
}
