// An undici connector that applies the allowlist to every connection, and the address check to
// the addresses the connection itself resolves: a name that resolved public when the URL was
// checked and private a moment later (DNS rebinding) is refused here, before any byte is sent.
import { lookup as systemLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { buildConnector } from 'undici';
import { isIpAddress, nonPublicReason } from './addresses';
import { connectionKey, type OutboundAllowlist } from './allowlist';

/** A connection the allowlist refused. Its message names the host, never an address it resolved to. */
export class OutboundConnectionRefusedError extends Error {
  override readonly name = 'OutboundConnectionRefusedError';
  readonly code = 'ERR_OUTBOUND_REFUSED';
}

export interface GuardedConnectorOptions {
  /** TLS options of every connection (e.g. a secure context trusting an extra CA). */
  tls?: ConnectionOptions;
  /** The name lookup of connections to untrusted hosts; the system's unless a test replaces it. */
  lookup?: LookupFunction;
}

/**
 * A connector for `new Agent({ connect })`: https only; hosts the operator trusts connect as
 * usual; every other host must be allowed and must resolve (at this connection) to public
 * addresses only.
 */
export function guardedConnector(
  allowlist: OutboundAllowlist,
  { tls = {}, lookup = systemLookup }: GuardedConnectorOptions = {},
): buildConnector.connector {
  const connectTrusted = buildConnector(tls);
  const connectPublic = buildConnector({ ...tls, lookup: publicOnlyLookup(lookup) });
  return (target, callback) => {
    const refuse = (reason: string) =>
      callback(new OutboundConnectionRefusedError(`outbound connection refused: ${reason}`), null);
    if (target.protocol !== 'https:') return refuse(`${target.protocol} is not https:`);
    const key = connectionKey(target.hostname, target.port);
    if (allowlist.trustedHosts.has(key)) return connectTrusted(target, callback);
    // An IP address is connected to without a lookup, so it is checked here.
    if (isIpAddress(target.hostname)) {
      const reason = nonPublicReason(target.hostname);
      if (reason) return refuse(`${target.hostname} is ${reason}`);
    }
    if (allowlist.publicHosts !== 'any' && !allowlist.publicHosts.has(key))
      return refuse(`${key} is not on the allowlist`);
    return connectPublic(target, callback);
  };
}

/**
 * A `lookup` for net/tls.connect that fails when any address found is not public. Node asks for
 * one address or, with autoSelectFamily (the default since Node 20), for all of them.
 */
function publicOnlyLookup(lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      if (addresses.some((entry) => nonPublicReason(entry) !== undefined)) {
        const refused = new OutboundConnectionRefusedError(
          `outbound connection refused: ${hostname} resolves to an address that is not public`,
        );
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      callback(null, address, family);
    });
  };
}
