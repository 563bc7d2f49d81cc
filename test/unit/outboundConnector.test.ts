// The connect-time half of the outbound guard: undici's fetch through guardedConnector against a
// real HTTPS server on loopback, counting the TCP connections the server accepts.
import { createServer, type Server } from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { Agent, fetch } from 'undici';
import { type EmulatorTls, loadOrCreateTls } from '../../src/emulator/tls';
import {
  graphEndpointAllowlist,
  guardedConnector,
  type OutboundAllowlist,
  OutboundConnectionRefusedError,
} from '../../src/outbound';

let tls: EmulatorTls;
let server: Server;
let port: number;
let connections = 0;
const agents: Agent[] = [];

beforeAll(async () => {
  tls = await loadOrCreateTls();
  server = createServer({ key: tls.keyPem, cert: tls.certPem }, (_req, res) => res.end('reached'));
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
  await new Promise((resolve) => server.close(resolve));
});

function agentFor(allowlist: OutboundAllowlist, lookup?: LookupFunction): Agent {
  const agent = new Agent({ connect: guardedConnector(allowlist, { tls: { ca: tls.caPem }, lookup }) });
  agents.push(agent);
  return agent;
}

/** The reason fetch failed, which must be the guard's refusal, and that no connection was made. */
async function expectRefused(url: string, agent: Agent, reason: string): Promise<void> {
  const before = connections;
  const error = await fetch(url, { dispatcher: agent }).then(
    () => undefined,
    (e: unknown) => e as { cause?: unknown },
  );
  expect(error?.cause).toBeInstanceOf(OutboundConnectionRefusedError);
  expect((error?.cause as Error | undefined)?.message).toBe(`outbound connection refused: ${reason}`);
  expect(connections).toBe(before);
}

const anyPublic: OutboundAllowlist = { publicHosts: 'any', trustedHosts: new Set() };

test('an allowlisted host:port connects as usual, whatever its address', async () => {
  const before = connections;
  const agent = agentFor(graphEndpointAllowlist([`127.0.0.1:${port}`]));
  const response = await fetch(`https://127.0.0.1:${port}/`, { dispatcher: agent });
  expect(await response.text()).toBe('reached');
  expect(connections).toBe(before + 1);
});

test('an IP literal that is not public is refused without a connection', async () => {
  await expectRefused(`https://127.0.0.1:${port}/`, agentFor(anyPublic), '127.0.0.1 is a loopback address');
  await expectRefused(
    `https://[::ffff:127.0.0.1]:${port}/`,
    agentFor(anyPublic),
    '::ffff:7f00:1 is a loopback address (in IPv6 form)',
  );
});

test('a name that resolves to loopback at connect time is refused', async () => {
  await expectRefused(
    `https://localhost:${port}/`,
    agentFor(anyPublic),
    'localhost resolves to an address that is not public',
  );
});

test('a name that resolved public when checked but private at connect time (rebinding) is refused', async () => {
  const asked: string[] = [];
  const rebinding: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  const allowlist: OutboundAllowlist = {
    publicHosts: new Set([`graph.microsoft.com:${port}`]),
    trustedHosts: new Set(),
  };
  await expectRefused(
    `https://graph.microsoft.com:${port}/v1.0/me`,
    agentFor(allowlist, rebinding),
    'graph.microsoft.com resolves to an address that is not public',
  );
  expect(asked).toEqual(['graph.microsoft.com']);
});

test('a host off the allowlist (a redirect target, say) and plain http are refused', async () => {
  const agent = agentFor(graphEndpointAllowlist([`127.0.0.1:${port}`]));
  await expectRefused(`https://localhost:${port}/`, agent, `localhost:${port} is not on the allowlist`);
  await expectRefused(`http://127.0.0.1:${port}/`, agent, 'http: is not https:');
});
