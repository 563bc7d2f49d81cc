// The emulator's certificates as strict X.509 verifiers read them (Python's VERIFY_X509_STRICT,
// OpenSSL x509_strict): key identifiers that link the leaf to the CA, constraints and usages.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { loadOrCreateTls } from '../../src/emulator/tls';

describe('emulator certificates', () => {
  it('carry the extensions strict verification requires, the leaf linked to the CA by key id', async () => {
    const tls = await loadOrCreateTls();
    const ca = new X509Certificate(tls.caPem);
    const leaf = new X509Certificate(tls.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    expect(leaf.subjectAltName).toMatch(/DNS:localhost/);
    expect(leaf.subjectAltName).toMatch(/IP Address:127\.0\.0\.1/);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');

    const caExt = new x509.X509Certificate(tls.caPem);
    const leafExt = new x509.X509Certificate(tls.certPem);
    const caKeyId = caExt.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(caKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(leafExt.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(leafExt.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
    expect(caExt.getExtension(x509.BasicConstraintsExtension)?.critical).toBe(true);
    expect(caExt.getExtension(x509.KeyUsagesExtension)?.usages).toBeGreaterThan(0);
    expect(leafExt.getExtension(x509.KeyUsagesExtension)?.critical).toBe(true);
    expect(leafExt.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
  });

  it('regenerates persisted certificates that lack key identifiers', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'emu-tls-'));
    try {
      const first = await loadOrCreateTls(dir);
      expect((await loadOrCreateTls(dir)).caPem).toBe(first.caPem);
      // A CA without a subjectKeyIdentifier, as the emulator wrote before.
      const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ]);
      const bare = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '01',
        // The same name, so only the missing key identifier tells it apart.
        name: 'CN=TenantVault Graph Emulator CA (dev only)',
        notBefore: new Date(Date.now() - 86_400_000),
        notAfter: new Date(Date.now() + 86_400_000 * 30),
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        keys,
        extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
      });
      await writeFile(path.join(dir, 'ca.pem'), bare.toString('pem'));
      const again = await loadOrCreateTls(dir);
      expect(again.caPem).not.toBe(bare.toString('pem'));
      expect(await readFile(path.join(dir, 'ca.pem'), 'utf8')).toBe(again.caPem);
      expect(
        new x509.X509Certificate(again.caPem).getExtension(x509.SubjectKeyIdentifierExtension),
      ).not.toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
