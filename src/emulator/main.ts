// Dev entry: `tsx src/emulator/main.ts`. Serves until SIGINT/SIGTERM. It starts without tenants:
// `npm run dev` adds the demo tenant and tests and benchmarks add theirs through /_emulator/.
// Logs go to stderr so stdout carries only the readiness line a supervisor waits for.
import path from 'node:path';
import pino from 'pino';
import { startGraphEmulator } from './server';

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    // Fake tenants with published credentials have no place next to real data.
    console.error(
      'The Graph emulator is a development and test tool; refusing to start with NODE_ENV=production.',
    );
    process.exit(1);
  }
  const logger = pino(
    { name: 'graph-emulator', level: process.env.LOG_LEVEL ?? 'info' },
    pino.destination(2),
  );
  const port = parsePort(process.env.GRAPH_EMULATOR_PORT ?? '4443');
  const pageSize = process.env.GRAPH_EMULATOR_PAGE_SIZE
    ? Number(process.env.GRAPH_EMULATOR_PAGE_SIZE)
    : undefined;
  const tlsDir = path.resolve(process.env.GRAPH_EMULATOR_TLS_DIR ?? '.data/emulator');

  // 127.0.0.1 unless GRAPH_EMULATOR_HOST says otherwise (`npm run dev` passes DEV_BIND_ADDRESS).
  const host = process.env.GRAPH_EMULATOR_HOST ?? '127.0.0.1';
  const emulator = await startGraphEmulator({
    port,
    host,
    tlsDir,
    logger,
    ...(pageSize ? { pageSize } : {}),
  });
  logger.info({ baseUrl: emulator.baseUrl, caFile: path.join(tlsDir, 'ca.pem') }, 'Graph emulator ready');
  process.stdout.write(`GRAPH_EMULATOR_READY ${emulator.baseUrl}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Graph emulator stopping');
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Graph emulator did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`GRAPH_EMULATOR_PORT must be a port number, got '${value}'`);
  }
  return port;
}

main().catch((error: unknown) => {
  console.error('Graph emulator failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
