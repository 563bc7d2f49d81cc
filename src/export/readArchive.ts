// Reads an exported archive's files, one at a time, for verify-export: zip with yauzl, tar.gz
// with zlib and tar-stream, told apart by their first bytes (not the file name, which a download
// may have lost). Each file's bytes are hashed as they stream; only the small files a caller
// names (manifest.json, SHA256SUMS) are kept whole.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import * as yauzl from 'yauzl';

export interface ArchiveFile {
  path: string;
  bytes: number;
  sha256: string;
  /** The bytes, for the paths asked to be kept. */
  content?: Buffer;
  /**
   * What the entry is when not a regular file: a symbolic or hard link, a device, a FIFO. An export
   * holds none; unzip and tar would create it, and a later file could be written through a link.
   */
  special?: string;
}

export type ArchiveKind = 'zip' | 'tar.gz';

/**
 * Bytes of the kept files held at once, all together: the manifest of a 100,000-policy set is about
 * 50 MB. An archive made to exhaust memory (a SHA256SUMS of gigabytes compressed to nothing,
 * or many copies of manifest.json) stops here instead.
 */
export const KEPT_BYTES_LIMIT = 256 * 1024 * 1024;

export class KeptFileTooLargeError extends Error {}

const ZIP_MAGIC = Buffer.from('PK\u0003\u0004', 'latin1');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

export async function sniffArchiveKind(file: string): Promise<ArchiveKind | null> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 4 && head.equals(ZIP_MAGIC)) return 'zip';
    if (bytesRead >= 2 && head.subarray(0, 2).equals(GZIP_MAGIC)) return 'tar.gz';
    return null;
  } finally {
    await handle.close();
  }
}

/** Every file (directories skipped) of the archive; throws when it cannot be read to its end. */
export async function readArchiveFiles(
  file: string,
  kind: ArchiveKind,
  keepPaths: ReadonlySet<string>,
  keptBytesLimit = KEPT_BYTES_LIMIT,
): Promise<ArchiveFile[]> {
  const keep = { paths: keepPaths, bytesLeft: keptBytesLimit, limit: keptBytesLimit };
  return kind === 'zip' ? readZip(file, keep) : readTarGz(file, keep);
}

/** The paths to keep whole, and how many more bytes they may take. */
interface Keep {
  paths: ReadonlySet<string>;
  bytesLeft: number;
  limit: number;
}

async function digest(path: string, stream: AsyncIterable<unknown>, keep: Keep): Promise<ArchiveFile> {
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  const keeping = keep.paths.has(path);
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (!keeping) continue;
    keep.bytesLeft -= chunk.length;
    if (keep.bytesLeft < 0)
      throw new KeptFileTooLargeError(
        `${path} would take more than ${keep.limit} bytes to check (held whole): no export holds one so large`,
      );
    kept.push(chunk);
  }
  return {
    path,
    bytes,
    sha256: hash.digest('hex'),
    ...(keeping ? { content: Buffer.concat(kept) } : {}),
  };
}

async function readZip(file: string, keep: Keep): Promise<ArchiveFile[]> {
  // strictFileNames refuses backslashes; validateEntrySizes (default) catches a short entry.
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, strictFileNames: true });
  try {
    const files: ArchiveFile[] = [];
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      if (entry.fileName.endsWith('/')) continue;
      const file = await digest(entry.fileName, await zip.openReadStreamPromise(entry), keep);
      const special = zipSpecialKind(entry.externalFileAttributes);
      files.push(special ? { ...file, special } : file);
    }
    return files;
  } finally {
    zip.close();
  }
}

// The Unix file type in a zip entry's external attributes (high 16 bits; 0 when made on DOS).
const S_IFMT = 0o170000;
// None (made on DOS), regular file and directory are what they seem; anything else is special.
const ZIP_FILE_TYPES = new Map<number, string | null>([
  [0, null],
  [0o100000, null],
  [0o040000, null],
  [0o120000, 'symlink'],
]);

function zipSpecialKind(externalFileAttributes: number): string | undefined {
  const type = (externalFileAttributes >>> 16) & S_IFMT;
  const kind = ZIP_FILE_TYPES.has(type) ? ZIP_FILE_TYPES.get(type) : `file type 0o${type.toString(8)}`;
  return kind ?? undefined;
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const settle = (then: () => void) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      then();
    };
    const onEntry = (entry: yauzl.Entry) => settle(() => resolve(entry));
    const onEnd = () => settle(() => resolve(null));
    const onError = (error: Error) => settle(() => reject(error));
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

async function readTarGz(file: string, keep: Keep): Promise<ArchiveFile[]> {
  const extract = tar.extract();
  const source = createReadStream(file).pipe(createGunzip());
  // Errors of the file or of gunzip (a truncated or altered stream) end the extraction.
  source.on('error', (error) => extract.destroy(error));
  source.pipe(extract);
  const files: ArchiveFile[] = [];
  try {
    for await (const entry of extract) {
      const type = entry.header.type ?? 'file';
      if (type === 'directory') entry.resume();
      else {
        const file = await digest(entry.header.name, entry, keep);
        files.push(type === 'file' || type === 'contiguous-file' ? file : { ...file, special: type });
      }
    }
    return files;
  } finally {
    // Stopped early (a finding), the file is closed now, not when collected.
    source.destroy();
  }
}
