// `npm run dev`: the whole stack on one machine with embedded defaults. PostgreSQL and the
// Temporal dev server keep their data under .data/, so a second start finds the same state;
// DATABASE_URL or TEMPORAL_ADDRESS point at servers of your own instead. Every service listens
// on 127.0.0.1 only (a dev stack has a published emulator secret and a platform admin token);
// DEV_BIND_ADDRESS=0.0.0.0 opens them all to the network.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSecretKeyRing } from '../config/env';
import { createDb } from '../db/client';
import { seedDemoTenant } from '../emulator/adminClient';
import { TenantSecretCipher } from '../secrets';
import { ensureAzuriteContainer, startAzurite } from './azurite';
import { startMailSink } from './mailSink';
import { migrateDatabase } from './migrate';
import { startEmbeddedPostgres } from './postgres';
import { devSecretKeys } from './secretKeys';
import { seedDevData } from './seed';
import { Supervisor } from './supervisor';
import { startTemporalDevServer } from './temporalServer';

const root = resolve(__dirname, '..', '..');
/** Azurite's container the demo tenant's offsite copies go to. */
const DEV_OFFSITE_CONTAINER = 'tenantvault-offsite';
/** DEV_DATA_DIR moves it (the README tour's test runs a second stack beside yours). */
const dataDir = process.env.DEV_DATA_DIR ? resolve(process.env.DEV_DATA_DIR) : join(root, '.data');
/**
 * The stack talks to its services on 127.0.0.1, so these two are the choices: loopback only, or
 * every interface (loopback included). Anything else would leave the stack unable to reach itself.
 */
const BIND_ADDRESSES = ['127.0.0.1', '0.0.0.0'];
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  mkdirSync(join(dataDir, 'temporal'), { recursive: true });
  const supervisor = new Supervisor((reason) => void shutdown(`${reason}; stopping the stack`, 1));
  let stopping = false;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[dev] ${why}`);
    await supervisor.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT received, stopping…', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM received, stopping…', 0));

  try {
    const cli = process.env.TEMPORAL_CLI_PATH;
    if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set; start with `npm run dev`');
    const bind = process.env.DEV_BIND_ADDRESS ?? '127.0.0.1';
    if (!BIND_ADDRESSES.includes(bind)) {
      throw new Error(`DEV_BIND_ADDRESS must be one of ${BIND_ADDRESSES.join(', ')}, not ${bind}`);
    }
    const uiPort = port('TEMPORAL_UI_PORT', 8233);
    const [databaseUrl, temporalAddress] = await Promise.all([
      process.env.DATABASE_URL ??
        startEmbeddedPostgres({
          dataDir: join(dataDir, 'postgres'),
          port: port('DEV_POSTGRES_PORT', 5433),
          database: 'tenantvault',
          persistent: true,
          listenAddress: bind,
        }).then((pg) => {
          supervisor.adopt('postgres', pg.stop);
          return pg.url;
        }),
      process.env.TEMPORAL_ADDRESS ??
        startTemporalDevServer(supervisor, {
          cli,
          port: port('DEV_TEMPORAL_PORT', 7233),
          uiPort,
          dbFile: join(dataDir, 'temporal', 'dev.sqlite'),
          ip: bind,
        }),
    ]);
    await migrateDatabase(databaseUrl);

    const tsx = ['--import', 'tsx'];
    const emulatorPort = port('GRAPH_EMULATOR_PORT', 4443);
    const emulatorTlsDir = join(dataDir, 'emulator');
    await supervisor.start({
      name: 'graph-emulator',
      command: process.execPath,
      args: [...tsx, join(root, 'src/emulator/main.ts')],
      env: {
        GRAPH_EMULATOR_PORT: String(emulatorPort),
        GRAPH_EMULATOR_HOST: bind,
        GRAPH_EMULATOR_TLS_DIR: emulatorTlsDir,
      },
      readyLine: /GRAPH_EMULATOR_READY/,
    });
    const emulatorBaseUrl = `https://127.0.0.1:${emulatorPort}`;
    // The emulator starts empty; the demo tenant keeps its hand-written policies and gets two
    // generated objects of every other registry type, so every type has something to back up.
    await seedDemoTenant(emulatorBaseUrl, readFileSync(join(emulatorTlsDir, 'ca.pem'), 'utf8'), 2);

    // Azurite's blob service, with the emulator's certificate (the outbound guard admits https
    // only) and its data under .data/azurite; the demo tenant copies its backups to its container.
    const caPem = readFileSync(join(emulatorTlsDir, 'ca.pem'), 'utf8');
    mkdirSync(join(dataDir, 'azurite'), { recursive: true });
    const azurite = await startAzurite(supervisor, {
      port: port('DEV_AZURITE_PORT', 10000),
      certFile: join(emulatorTlsDir, 'cert.pem'),
      keyFile: join(emulatorTlsDir, 'key.pem'),
      dataDir: join(dataDir, 'azurite'),
      listenAddress: bind,
    });
    await ensureAzuriteContainer(azurite, DEV_OFFSITE_CONTAINER, caPem);

    // The keys live beside the database whose secrets they encrypt (both under .data/).
    const secretKeys = devSecretKeys(join(dataDir, 'secret-keys.json'));
    const db = createDb(databaseUrl);
    const { tenant, token } = await seedDevData(db, {
      emulatorBaseUrl,
      tokenFile: join(dataDir, 'dev-api-token'),
      secrets: new TenantSecretCipher(loadSecretKeyRing({ ...secretKeys })),
      azurite: { ...azurite, container: DEV_OFFSITE_CONTAINER },
    });
    await db.$disconnect();

    // E-mail notifications go to a local sink instead of a mail server.
    const mailSink = await startMailSink({
      smtpPort: port('DEV_SMTP_PORT', 2525),
      webPort: port('DEV_MAIL_SINK_PORT', 8025),
      listenAddress: bind,
    });
    supervisor.adopt('mail-sink', mailSink.stop);
    // Dev allows loopback webhook and Teams receivers (a local receiver on any port), as the
    // Graph emulator is allowed; the user's own entries are kept.
    const loopbackReceivers = [process.env.NOTIFICATION_ENDPOINT_ALLOWLIST, ...loopbackHosts()]
      .filter(Boolean)
      .join(',');

    const apiPort = port('PORT', 3000);
    const serviceEnv = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      NODE_ENV: 'development',
      // The demo tenant points at the emulator on loopback, which the outbound guard refuses
      // unless listed; the user's own entries are kept.
      GRAPH_ENDPOINT_ALLOWLIST: [process.env.GRAPH_ENDPOINT_ALLOWLIST, `127.0.0.1:${emulatorPort}`]
        .filter(Boolean)
        .join(','),
      NOTIFICATION_ENDPOINT_ALLOWLIST: loopbackReceivers,
      // Azurite on loopback, as the demo tenant's offsite destination; the user's entries kept.
      OFFSITE_ENDPOINT_ALLOWLIST: [process.env.OFFSITE_ENDPOINT_ALLOWLIST, azurite.host]
        .filter(Boolean)
        .join(','),
      // Links in events, cards and e-mails must reach this API, also when PORT moves it.
      PUBLIC_API_URL: process.env.PUBLIC_API_URL ?? `http://localhost:${apiPort}`,
      // The emulator's CA: the worker's syncs and the API's connection tests both reach it.
      GRAPH_CA_FILE: join(emulatorTlsDir, 'ca.pem'),
      ...secretKeys,
    };
    await Promise.all([
      supervisor.start({
        name: 'worker',
        command: process.execPath,
        args: [...tsx, join(root, 'src/worker/main.ts')],
        env: {
          ...serviceEnv,
          SMTP_HOST: mailSink.smtpHost,
          SMTP_PORT: String(mailSink.smtpPort),
          SMTP_SECURE: 'false',
          SMTP_FROM: process.env.SMTP_FROM ?? 'TenantVault <tenantvault@localhost>',
          // A local https receiver may serve the emulator's certificate (localhost, 127.0.0.1).
          NOTIFICATION_CA_FILE: join(emulatorTlsDir, 'ca.pem'),
          // Azurite serves the emulator's certificate.
          OFFSITE_CA_FILE: join(emulatorTlsDir, 'ca.pem'),
          METRICS_HOST: bind,
        },
        readyLine: /worker started/,
        readyTimeoutMs: 120_000,
      }),
      supervisor.start({
        name: 'api',
        command: process.execPath,
        args: [...tsx, join(root, 'src/api/main.ts')],
        env: { ...serviceEnv, PORT: String(apiPort), HOST: bind },
        readyLine: /API listening/,
      }),
    ]);

    const api = `http://localhost:${apiPort}`;
    console.log(`
  TenantVault is running.
    API            ${api}
    Temporal UI    ${process.env.TEMPORAL_ADDRESS ? '(your Temporal server)' : `http://localhost:${uiPort}`}
    Temporal gRPC  ${temporalAddress}
    Graph emulator ${emulatorBaseUrl}
    Azurite (blob) ${azurite.blobEndpoint}  (container ${DEV_OFFSITE_CONTAINER}: the demo tenant's offsite copies)
    Mail sink      ${mailSink.webUrl}  (JSON: ${mailSink.webUrl}/messages; SMTP ${mailSink.smtpHost}:${mailSink.smtpPort})
    Webhooks       dev allows loopback receivers: NOTIFICATION_ENDPOINT_ALLOWLIST=${loopbackReceivers}
                   (https with .data/emulator/cert.pem and key.pem, trusted by the worker; see docs/notifications.md)
    Demo tenant    ${tenant.displayName}  id ${tenant.id}
    API token      ${token}   (also in .data/dev-api-token)

  Try:
    curl -H "Authorization: Bearer $(cat .data/dev-api-token)" ${api}/v1/tenants

  Ctrl-C stops everything.
`);
  } catch (error) {
    console.error('[dev] could not start the stack:', error);
    await shutdown('start-up failed', 1);
  }
}

/**
 * Loopback receivers a developer may run (docs/notifications.md: its receiver one-liner listens on 8443): the
 * allowlist takes host:port entries, so a few local ports, or DEV_RECEIVER_PORTS.
 */
function loopbackHosts(): string[] {
  const ports = (process.env.DEV_RECEIVER_PORTS ?? '8443,9443').split(',').map((entry) => entry.trim());
  return ports.flatMap((receiverPort) => [`127.0.0.1:${receiverPort}`, `localhost:${receiverPort}`]);
}

void main();
