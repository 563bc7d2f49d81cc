import { createSecureContext, rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { Agent, fetch } from 'undici';
import { type OutboundAllowlist, guardedConnector } from '../outbound';

/**
 * One connection pool for the process, shared by MSAL and Graph requests. A given CA is trusted
 * in addition to the system roots, so the same process can reach both the emulator and Microsoft.
 * Every connection goes through the outbound guard: only allowlisted hosts, and only at public
 * addresses unless the operator listed the host.
 */
export function createAgent(
  allowlist: OutboundAllowlist,
  trustedCaPem: string | undefined,
  requestTimeoutMs: number,
): Agent {
  // headersTimeout bounds the wait for complete headers: the first part of a Graph request's
  // deadline (graphHttp.ts bounds headers and body together); bodyTimeout is between chunks.
  const timeouts = { headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs };
  // One secure context for every connection: passing `ca` instead would parse the ~140 system
  // roots again for each new TLS connection, which showed up as the top cost in bench:sync.
  const tls =
    trustedCaPem === undefined
      ? {}
      : { secureContext: createSecureContext({ ca: [...rootCertificates, trustedCaPem] }) };
  return new Agent({ ...timeouts, connect: guardedConnector(allowlist, { tls }) });
}

const IDENTITY_TIMEOUT_MS = 30_000;

/**
 * MSAL's HTTP client, routed through our agent (MSAL's default uses the global fetch, which would
 * not trust the emulator's CA). Mirrors MSAL's own client: non-2xx answers are returned, not
 * thrown, because MSAL turns their JSON bodies into ServerErrors with AADSTS codes.
 */
export function createMsalNetworkClient(agent: Agent): INetworkModule {
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeoutMs: number,
  ): Promise<NetworkResponse<T>> => {
    const response = await fetch(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: T;
    try {
      body = JSON.parse(text) as T;
    } catch {
      // The identity endpoint's bodies never echo the secret, but do not risk quoting them anyway.
      throw new Error(`Identity endpoint answered ${response.status} with a body that is not JSON`);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { headers, body, status: response.status };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
      send<T>('GET', url, options, timeout ?? IDENTITY_TIMEOUT_MS),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      send<T>('POST', url, options, IDENTITY_TIMEOUT_MS),
  };
}
