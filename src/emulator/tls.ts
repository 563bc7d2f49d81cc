import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface EmulatorTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The emulator's CA and server certificate. With a directory they are persisted and reused, so
 * processes that were told to trust ca.pem keep working across emulator restarts.
 */
export async function loadOrCreateTls(tlsDir?: string): Promise<EmulatorTls> {
  if (tlsDir === undefined) return createTls();
  const files = {
    caPem: path.join(tlsDir, 'ca.pem'),
    certPem: path.join(tlsDir, 'cert.pem'),
    keyPem: path.join(tlsDir, 'key.pem'),
  };
  const existing = await readExisting(files);
  if (existing !== undefined) return existing;
  const tls = await createTls();
  await mkdir(tlsDir, { recursive: true });
  await writeFile(files.caPem, tls.caPem, { mode: 0o644 });
  await writeFile(files.certPem, tls.certPem, { mode: 0o644 });
  await writeFile(files.keyPem, tls.keyPem, { mode: 0o600 });
  return tls;
}

async function readExisting(files: Record<keyof EmulatorTls, string>): Promise<EmulatorTls | undefined> {
  try {
    const [caPem, certPem, keyPem] = await Promise.all([
      readFile(files.caPem, 'utf8'),
      readFile(files.certPem, 'utf8'),
      readFile(files.keyPem, 'utf8'),
    ]);
    // Regenerate rather than serve a certificate that is about to expire or was not issued by ca.pem.
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    if (Date.parse(cert.validTo) - Date.now() < DAY_MS || !cert.checkIssued(ca)) return undefined;
    return { caPem, certPem, keyPem };
  } catch {
    return undefined;
  }
}

async function createTls(): Promise<EmulatorTls> {
  const now = new Date();
  const ca = await generate([{ name: 'commonName', value: 'TenantVault Graph Emulator CA (dev only)' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + 10 * 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + 2 * 365 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}
