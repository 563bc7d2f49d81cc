import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

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
    // Certificates of older emulators lack the key identifiers strict clients require.
    if (!hasKeyIdentifiers(caPem, false) || !hasKeyIdentifiers(certPem, true)) return undefined;
    return { caPem, certPem, keyPem };
  } catch {
    return undefined;
  }
}

function hasKeyIdentifiers(pem: string, leaf: boolean): boolean {
  const cert = new x509.X509Certificate(pem);
  return (
    cert.getExtension(x509.SubjectKeyIdentifierExtension) !== null &&
    (!leaf || cert.getExtension(x509.AuthorityKeyIdentifierExtension) !== null)
  );
}

/**
 * A CA and a server certificate that pass strict X.509 verification (Python's
 * VERIFY_X509_STRICT, the default from 3.13; OpenSSL's x509_strict): the CA and the leaf name
 * their key (subjectKeyIdentifier), the leaf names its issuer's (authorityKeyIdentifier), both
 * state basicConstraints and keyUsage, the leaf is for serverAuth with the loopback names as SAN.
 * @peculiar/x509 rather than selfsigned, which cannot write the key identifiers.
 */
async function createTls(): Promise<EmulatorTls> {
  const now = Date.now();
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const serverKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=TenantVault Graph Emulator CA (dev only)',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 10 * 365 * DAY_MS),
    signingAlgorithm: algorithm,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 2 * 365 * DAY_MS),
    signingAlgorithm: algorithm,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caPem: ca.toString('pem'),
    certPem: server.toString('pem'),
    keyPem: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString(),
  };
}

/** A positive 16-byte serial number in hex. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
