// The guarded connector (connector.ts) for clients built on node:https rather than undici: the
// Azure and AWS SDKs take an https.Agent. Every socket the agent opens comes from the same
// connector, so the allowlist and the connect-time address check (against DNS rebinding) hold
// for SDK traffic exactly as for webhooks.
import type { Duplex } from 'node:stream';
import { Agent, type AgentOptions } from 'node:https';
import type { OutboundAllowlist } from './allowlist';
import { guardedConnector, type GuardedConnectorOptions } from './connector';

type CreateConnectionCallback = (error: Error | null, socket?: Duplex) => void;

export class GuardedHttpsAgent extends Agent {
  readonly #connect: ReturnType<typeof guardedConnector>;

  constructor(
    allowlist: OutboundAllowlist,
    options: GuardedConnectorOptions & { agent?: AgentOptions } = {},
  ) {
    super({ ...options.agent });
    this.#connect = guardedConnector(allowlist, options);
  }

  // Node calls createConnection(options, callback) and uses the socket given to the callback
  // when nothing is returned (node:_http_agent createSocket).
  override createConnection(
    options: { host?: string | null; port?: number | string | null; servername?: string },
    callback: CreateConnectionCallback,
  ): undefined {
    const hostname = options.host ?? 'localhost';
    this.#connect(
      {
        hostname,
        host: hostname,
        protocol: 'https:',
        port: options.port === undefined || options.port === null ? '' : String(options.port),
        ...(options.servername ? { servername: options.servername } : {}),
      },
      (error, socket) => (error ? callback(error) : callback(null, socket ?? undefined)),
    );
    return undefined;
  }
}
