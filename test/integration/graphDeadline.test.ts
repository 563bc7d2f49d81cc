// A Graph host that answers at once but trickles its body (a byte now and then, forever) must not
// hold a request, and with it a sync slot, for longer than the request deadline: undici's own
// timeouts count the time between bytes, not the whole request.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TENANT, demoTenantSeed } from '../../src/emulator/demoTenant';
import { type GraphEmulator, startGraphEmulator } from '../../src/emulator/server';
import { loadOrCreateTls } from '../../src/emulator/tls';
import { GraphClientFactory } from '../../src/graph/clientFactory';
import { GraphRequestError } from '../../src/graph/errors';
import { MAX_NETWORK_ATTEMPTS } from '../../src/graph/retryPolicy';
import { graphEndpointAllowlist } from '../../src/outbound';
import { eventually } from '../support/stack';

const DEADLINE_MS = 1_500;
const tlsDir = mkdtempSync(join(tmpdir(), 'tenantvault-deadline-'));
let emulator: GraphEmulator;
let trickler: Server;
/** Sends a 103 Early Hints every 300 ms and never a final answer (undici restarts its headers timer on each). */
let hinter: Server;
/** How long each request to the trickling host stayed open, in ms. */
const held: number[] = [];

beforeAll(async () => {
  // The trickling host serves the emulator's certificate, so one trusted CA covers login and Graph.
  emulator = await startGraphEmulator({ port: 0, tenants: [demoTenantSeed()], tlsDir });
  const tls = await loadOrCreateTls(tlsDir);
  trickler = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const opened = Date.now();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"value":[');
    const drip = setInterval(() => res.write(' '), 200);
    const stop = setTimeout(() => res.end(']}'), 20_000);
    res.on('close', () => {
      clearInterval(drip);
      clearTimeout(stop);
      held.push(Date.now() - opened);
    });
    req.resume();
  });
  await new Promise<void>((resolve) => trickler.listen(0, '127.0.0.1', resolve));
  hinter = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const hint = setInterval(() => res.writeEarlyHints({ link: '</value>; rel=preload' }), 300);
    res.on('close', () => clearInterval(hint));
    req.resume();
  });
  await new Promise<void>((resolve) => hinter.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const server of [trickler, hinter]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await emulator.close();
  rmSync(tlsDir, { recursive: true, force: true });
});

/**
 * The first page of a type from `server` as Graph (tokens from the emulator), with the deadline;
 * resolves to the error it failed with and how long that took.
 */
async function firstPageFrom(server: Server): Promise<{ failure: unknown; ms: number }> {
  const graphBaseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const factory = new GraphClientFactory({
    trustedCaPem: emulator.caPem,
    requestTimeoutMs: DEADLINE_MS,
    endpointAllowlist: graphEndpointAllowlist([new URL(emulator.baseUrl).host, new URL(graphBaseUrl).host]),
  });
  try {
    const client = await factory.forTenant(graphBaseUrl, {
      azureTenantId: DEMO_TENANT.azureTenantId,
      clientId: DEMO_TENANT.clientId,
      clientSecret: DEMO_TENANT.clientSecret,
      graphBaseUrl,
      loginBaseUrl: emulator.baseUrl,
    });
    const started = Date.now();
    const failure = await client
      .fetchPolicyPages('compliance')
      .next()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    return { failure, ms: Date.now() - started };
  } finally {
    await factory.close();
  }
}

/** Each attempt ends at the deadline (a network failure: retried a few times with backoff). */
const MOST_MS = MAX_NETWORK_ATTEMPTS * (DEADLINE_MS + 1_000) + 8_000;

test('every request to a trickling host ends at the deadline, and the type fails instead of hanging', async () => {
  const { failure, ms } = await firstPageFrom(trickler);
  expect(failure).toBeInstanceOf(GraphRequestError);
  expect(failure).toMatchObject({
    status: 0,
    message: expect.stringContaining('no complete answer within 1.5 s'),
  });
  await eventually(async () => held.length === MAX_NETWORK_ATTEMPTS, { what: 'every request to close' });
  expect(held).toHaveLength(MAX_NETWORK_ATTEMPTS);
  for (const requestMs of held) expect(requestMs).toBeLessThan(DEADLINE_MS + 1_000);
  expect(ms).toBeLessThan(MOST_MS);
}, 60_000);

test('a host that never finishes its headers cannot hold a request past the deadline either', async () => {
  const { failure, ms } = await firstPageFrom(hinter);
  expect(failure).toMatchObject({
    status: 0,
    message: expect.stringContaining('no complete answer within 1.5 s'),
  });
  expect(ms).toBeLessThan(MOST_MS);
}, 60_000);
