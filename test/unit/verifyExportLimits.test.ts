// verify-export on archives made to hurt it: kept files (manifest.json, SHA256SUMS) are bounded in
// memory, and a tar entry that would extract outside its folder is named. Real archiver and
// tar-stream on a temporary file; no database.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import archiver from 'archiver';
import * as tar from 'tar-stream';
import { verifyExport } from '../../src/export/verify';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-limits-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function tarGz(name: string, entries: [string, Buffer][]): Promise<string> {
  const file = join(dir, name);
  const archive = archiver('tar', { gzip: true });
  const written = pipeline(archive, createWriteStream(file));
  for (const [path, bytes] of entries) archive.append(bytes, { name: path });
  await archive.finalize();
  await written;
  return file;
}

test('a SHA256SUMS too large to hold is one finding, not memory exhausted', async () => {
  // 2 MB of zeros compress to a few KB: with a 1 MB bound the verifier stops at it.
  const file = await tarGz('bomb.tar.gz', [
    ['manifest.json', Buffer.from('{}')],
    ['SHA256SUMS', Buffer.alloc(2 * 1024 * 1024)],
  ]);
  const report = await verifyExport(file, { keptBytesLimit: 1024 * 1024 });
  expect(report.findings).toEqual([
    `${file}: SHA256SUMS would take more than 1048576 bytes to check (held whole): no export holds one so large`,
  ]);
});

test('a tar entry named ../x is a finding', async () => {
  // archiver cleans such names; tar-stream writes them as given, as a hostile tool would.
  const file = join(dir, 'slip.tar.gz');
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(file));
  pack.entry({ name: '../x.json' }, '{}\n');
  pack.finalize();
  await written;
  const report = await verifyExport(file);
  expect(report.findings).toContain(
    '"../x.json": not a plain relative path (extracting it would write outside its folder)',
  );
});

test('a symbolic link, in a zip or a tar, is a finding: a later file could be written through it', async () => {
  const zipFile = join(dir, 'link.zip');
  const zip = archiver('zip');
  const zipWritten = pipeline(zip, createWriteStream(zipFile));
  zip.symlink('Settings Catalog', '/etc');
  await zip.finalize();
  await zipWritten;
  expect((await verifyExport(zipFile)).findings).toContain(
    'Settings Catalog: a symlink entry; an export holds only regular files',
  );

  const tarFile = join(dir, 'link.tar.gz');
  const pack = tar.pack();
  const tarWritten = pipeline(pack, createGzip(), createWriteStream(tarFile));
  pack.entry({ name: 'Settings Catalog', type: 'symlink', linkname: '/etc' });
  pack.finalize();
  await tarWritten;
  expect((await verifyExport(tarFile)).findings).toContain(
    'Settings Catalog: a symlink entry; an export holds only regular files',
  );
});
