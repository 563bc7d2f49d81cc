// s3rver (an S3-compatible server on npm, dev dependency) on loopback https for the S3 store's
// tests. It stores objects in a directory, answers path-style requests and checks signatures
// against its built-in key pair; it ignores conditional writes and Object Lock, which the
// recorded-request tests cover instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver's built-in credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RunningS3rver {
  endpoint: string;
  host: string;
  close(): Promise<void>;
}

export async function startS3rver(
  tls: { certPem: string; keyPem: string },
  buckets: string[],
): Promise<RunningS3rver> {
  const S3rver = createRequire(__filename)('s3rver') as S3rverClass;
  const directory = mkdtempSync(join(tmpdir(), 'tenantvault-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    key: tls.keyPem,
    cert: tls.certPem,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `https://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
