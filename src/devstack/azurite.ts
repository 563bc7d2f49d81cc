// Azurite's blob service (Microsoft's Azure Storage emulator, from npm) for `npm run dev` and
// `npm test`: loopback only, https with the stack's own certificate (the outbound guard admits
// nothing else), telemetry off (Azurite otherwise reports usage to Microsoft).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Supervisor } from './supervisor';

/** Azurite's well-known development account and key (published in Microsoft's documentation). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  port: number;
  certFile: string;
  keyFile: string;
  /** Omit for in-memory persistence (tests). */
  dataDir?: string;
  /** Where it listens: 127.0.0.1 (default), or 0.0.0.0; clients use 127.0.0.1. */
  listenAddress?: string;
}

export interface RunningAzurite {
  /** https://127.0.0.1:<port>/devstoreaccount1 */
  blobEndpoint: string;
  connectionString: string;
  /** The allowlist key, 127.0.0.1:<port>. */
  host: string;
}

export async function startAzurite(supervisor: Supervisor, opts: AzuriteOptions): Promise<RunningAzurite> {
  const main = join(
    dirname(createRequire(__filename).resolve('azurite/package.json')),
    'dist/src/blob/main.js',
  );
  const args = [
    main,
    '--blobHost',
    opts.listenAddress ?? '127.0.0.1',
    '--blobPort',
    String(opts.port),
    '--disableTelemetry',
  ];
  args.push('--cert', opts.certFile, '--key', opts.keyFile, '--silent', '--skipApiVersionCheck');
  // Strict mode (no --loose): Azurite refuses what it does not know, closer to Azure. It takes a
  // Put Blob's immutability headers and ignores them (its Set Blob Immutability Policy answers
  // 501), so a destination with WORM days copies in dev, without the WORM.
  // In memory, capped: by default Azurite would let blobs take half of the machine's memory.
  args.push(
    ...(opts.dataDir
      ? ['--location', opts.dataDir]
      : ['--inMemoryPersistence', '--extentMemoryLimit', '512']),
  );
  await supervisor.start({
    name: 'azurite',
    command: process.execPath,
    args,
    readyLine: /successfully listens on/,
    showOnly: /error|exception/i,
  });
  const blobEndpoint = `https://127.0.0.1:${opts.port}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    connectionString: azuriteConnectionString(blobEndpoint),
    host: `127.0.0.1:${opts.port}`,
  };
}

export function azuriteConnectionString(blobEndpoint: string): string {
  return `DefaultEndpointsProtocol=https;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;
}

/** Creates the container if it is missing (dev seed, tests); trusts the stack's CA for this call. */
export async function ensureAzuriteContainer(
  azurite: Pick<RunningAzurite, 'connectionString'>,
  container: string,
  caPem: string,
): Promise<void> {
  const { Agent } = await import('node:https');
  const agent = new Agent({ ca: caPem });
  const client = BlobServiceClient.fromConnectionString(azurite.connectionString, { agent } as object);
  await client.getContainerClient(container).createIfNotExists();
  agent.destroy();
}
