// The real parts an integration test needs, wired as production wires them: Postgres
// (through Prisma), a Temporal worker on the shared dev server, the Graph emulator reached
// over HTTPS through MSAL, and the Express API on a random port.
import { STANDARD_WEBHOOKS_RETRY_SCHEDULE } from '../../src/shared/constants';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';
import { loadSecretKeyRing } from '../../src/config/env';
import { createDb, type Db, type Tenant, type TenantRole } from '../../src/db/client';
import { issueApiToken } from '../../src/db/tokens';
import { listenOnLoopback } from '../../src/devstack/ports';
import { DEMO_TENANT, demoTenantSeed, type GraphEmulator, startGraphEmulator } from '../../src/emulator';
import { GraphClientFactory } from '../../src/graph';
import { graphEndpointAllowlist, offsiteEndpointAllowlist, type OutboundAllowlist } from '../../src/outbound';
import type { NotificationDeps } from '../../src/notifications/deliveryDeps';
import { ChannelSecretCipher, TenantSecretCipher } from '../../src/secrets';
import { setMembership } from '../../src/services/memberships';
import { createUser, issueToken } from '../../src/services/users';
import { createBackupWorker } from '../../src/worker/createWorker';
import { testEnv } from './env';

/** Request limits no test file reaches: for apps of tests that are not about the limits. */
export const UNLIMITED_REQUESTS = {
  rateLimitPerMinute: 1_000_000,
  authFailureLimit: { limit: 1_000_000, windowSeconds: 60 },
} as const;

export interface TestStack {
  db: Db;
  temporal: Client;
  emulator: GraphEmulator;
  apiUrl: string;
  token: string;
  /** A fresh tenant per test file, pointing at the emulator's demo tenant. */
  tenant: Tenant;
  /** The run's key ring (SECRET_ENCRYPTION_KEYS from `npm test`), as the API and worker use it. */
  secrets: TenantSecretCipher;
  /** The Graph clients of the worker and the API (connection tests), as one process has one. */
  graph: GraphClientFactory;
  /** Where tenants' Graph endpoints may point: Microsoft's hosts and the emulator's host:port. */
  graphEndpoints: OutboundAllowlist;
  /**
   * The notification settings of the stack's worker: add a loopback receiver's host:port to
   * `endpointAllowlist` (a Set, read at every connection) as NOTIFICATION_ENDPOINT_ALLOWLIST would.
   */
  notifications: NotificationDeps & { endpointAllowlist: Set<string> };
  api(path: string, init?: ApiRequest): Promise<ApiResponse>;
  /**
   * A second app on this stack's database and Temporal, with other settings (a small rate limit,
   * a token policy); its `api` calls it as the platform admin unless given a token.
   */
  startApp(overrides: Partial<ApiDeps>): Promise<TestApp>;
  /**
   * A new user (no platform admin) with an API token: a member of the tenant (the stack's unless
   * given) with `role`, or of no tenant for null. `token` is the platform admin's.
   */
  userWithRole(role: TenantRole | null, tenantId?: string): Promise<TestUser>;
  /** Every log line the worker and the API wrote, when started with `captureLogs`. */
  logLines: string[];
  stop(): Promise<void>;
}

export interface TestUser {
  userId: string;
  email: string;
  token: string;
  tokenId: string;
}

/** Restore writes in tests: a lost create's lookup gives up in seconds, not minutes. */
export const TEST_RESTORE_WRITES = { writeBudgetFraction: 0.95, createLookupMs: 5_000, lookupPollMs: 250 };

export interface TestStackOptions {
  /** Log at trace level into `logLines` (for assertions that nothing secret is logged). */
  captureLogs?: boolean;
  /** The emulator's collection page size; small values make every collection multi-page. */
  emulatorPageSize?: number;
  /** Another database and Temporal server than the shared ones (a test that stops Temporal). */
  databaseUrl?: string;
  temporalAddress?: string;
  /** Start no worker: for tests of the control plane alone. */
  withoutWorker?: boolean;
}

export interface ApiRequest {
  method?: string;
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestApp {
  url: string;
  api(path: string, init?: ApiRequest): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  headers: Headers;
  // JSON of any shape; tests assert on it field by field.
  // biome-ignore lint/suspicious/noExplicitAny: test responses are asserted, not typed
  body: any;
}

/** Starts a test stack before the file's tests and stops it after them; `use` receives it. */
export function useTestStack(options: TestStackOptions, use: (stack: TestStack) => void): void {
  let started: TestStack | undefined;
  beforeAll(async () => {
    started = await startTestStack(options);
    use(started);
  });
  afterAll(async () => {
    await started?.stop();
  });
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const env = { ...testEnv() };
  if (options.databaseUrl) env.databaseUrl = options.databaseUrl;
  if (options.temporalAddress) env.temporalAddress = options.temporalAddress;
  const logLines: string[] = [];
  const logger = options.captureLogs
    ? pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) })
    : pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  installQuietRuntime();
  const db = createDb(env.databaseUrl);
  const emulator = await startGraphEmulator({
    tenants: [demoTenantSeed()],
    ...(options.emulatorPageSize ? { pageSize: options.emulatorPageSize } : {}),
  });
  // As GRAPH_ENDPOINT_ALLOWLIST=127.0.0.1:<port> would for the API and a worker process.
  const graphEndpoints = graphEndpointAllowlist([new URL(emulator.baseUrl).host]);
  const graph = new GraphClientFactory({
    trustedCaPem: emulator.caPem,
    logger,
    endpointAllowlist: graphEndpoints,
  });
  const secrets = new TenantSecretCipher(loadSecretKeyRing());

  const notifications = testNotificationDeps();
  const runningWorker = options.withoutWorker
    ? undefined
    : await startWorker(env, {
        db,
        graph,
        logger,
        secrets,
        notifications,
        restoreWrites: TEST_RESTORE_WRITES,
        offsite: testOffsiteSettings(env),
      });

  const connection = await Connection.connect({ address: env.temporalAddress });
  const temporal = new Client({ connection, namespace: env.namespace });
  /** The API on a loopback port as production wires it, with `overrides`. */
  const serveApp = async (overrides: Partial<ApiDeps>) => {
    // Whole test files run with one token, and the access matrix sends many bad ones; the
    // limits themselves are tested in hardening.test.ts.
    const app = createApp({
      db,
      temporal,
      logger,
      secrets,
      graph,
      graphEndpointAllowlist: graphEndpoints,
      ...UNLIMITED_REQUESTS,
      ...overrides,
    });
    const server = await listenOnLoopback(app);
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  };
  const mainApp = await serveApp({});
  const apiUrl = mainApp.url;

  const suffix = randomUUID().slice(0, 8);
  const admin = await db.user.create({
    data: { email: `admin-${suffix}@test.local`, displayName: 'Test admin', platformAdmin: true },
  });
  const { token } = await issueApiToken(db, { userId: admin.id, name: 'integration test' });
  const tenantId = randomUUID();
  const tenant = await db.tenant.create({
    data: {
      id: tenantId,
      slug: `demo-${suffix}`,
      displayName: DEMO_TENANT.displayName,
      azureTenantId: DEMO_TENANT.azureTenantId,
      clientId: DEMO_TENANT.clientId,
      ...secrets.encrypt(tenantId, DEMO_TENANT.clientSecret),
      graphBaseUrl: emulator.baseUrl,
      loginBaseUrl: emulator.baseUrl,
      // Tests make sets seconds apart: with the default grace period (7 days) retention would
      // keep them all. retentionSafeguards.test.ts tests the grace period itself.
      retentionGraceDays: 0,
    },
  });

  return {
    db,
    temporal,
    emulator,
    apiUrl,
    token,
    tenant,
    secrets,
    graph,
    graphEndpoints,
    notifications,
    logLines,
    async userWithRole(role, tenantId = tenant.id) {
      const email = `${role ?? 'nobody'}-${randomUUID()}@test.local`;
      const user = await createUser(
        db,
        { email, displayName: `Test ${role ?? 'nobody'}`, platformAdmin: false },
        'system',
      );
      if (role) await setMembership(db, tenantId, user.id, role, 'system');
      const issued = await issueToken(db, user.id, { name: 'integration test' }, 'system');
      return { userId: user.id, email, token: issued.token, tokenId: issued.id };
    },
    api: (path, init) => callApi(apiUrl, token, path, init),
    async startApp(overrides) {
      const app = await serveApp(overrides);
      return { ...app, api: (path, init) => callApi(app.url, token, path, init) };
    },
    async stop() {
      await mainApp.close();
      await runningWorker?.stop();
      await connection.close();
      await graph.close();
      await emulator.close();
      await db.$disconnect();
    },
  };
}

/** As OFFSITE_ENDPOINT_ALLOWLIST and OFFSITE_CA_FILE from `npm test` would: Azurite on loopback. */
export function testOffsiteSettings(env: ReturnType<typeof testEnv>) {
  return {
    endpointAllowlist: offsiteEndpointAllowlist([new URL(env.azuriteBlobEndpoint).host]),
    trustedCaPem: readFileSync(env.offsiteCaFile, 'utf8'),
  };
}

/** Notification settings as the worker builds them from the environment, with no allowlist yet. */
export function testNotificationDeps(): NotificationDeps & { endpointAllowlist: Set<string> } {
  return {
    cipher: new ChannelSecretCipher(loadSecretKeyRing()),
    publicApiUrl: 'http://localhost:3000',
    retrySchedule: [...STANDARD_WEBHOOKS_RETRY_SCHEDULE],
    endpointAllowlist: new Set<string>(),
  };
}

async function callApi(
  baseUrl: string,
  defaultToken: string,
  path: string,
  init: ApiRequest = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...init.headers };
  const bearer = init.token === undefined ? defaultToken : init.token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined
      ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
      : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier test file in this process: keep that one.
  }
}

async function startWorker(
  env: ReturnType<typeof testEnv>,
  deps: Parameters<typeof createBackupWorker>[0]['deps'],
): Promise<{ stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: env.temporalAddress });
  const worker = await createBackupWorker({
    connection,
    namespace: env.namespace,
    deps,
    bundlePath: env.bundlePath,
  });
  const run = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await run;
      await connection.close();
    },
  };
}

/** Polls until `check` returns a value, or fails the test with the last state seen. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  { timeoutMs = 60_000, intervalMs = 250, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
