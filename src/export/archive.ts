// Writes one backup set as a zip or tar.gz archive to a stream: one canonical JSON file per
// policy (./entryNames.ts, ./folders.ts), then manifest.json, then SHA256SUMS (./manifest.ts).
// The items (without payloads) are read at once and put in order here; payloads are read a few MB
// at a time, the next chunk while the current one is written, and appended to archiver's queue up
// to MAX_QUEUED_BYTES ahead of what it has taken, which it does only as fast as `out` drains:
// memory holds two chunks of payloads, the queued entries and the item list, never the archive.
// Entries queued ahead keep the compression busy while the next file is rendered, and the output
// is passed on in 64 KB pieces rather than archiver's many small ones (bench:export: writing those
// to the socket one by one took a sixth of a zip export's time).
//
// The same set gives the same bytes every time: fixed entry order (policy type, Graph id, by code
// unit: src/db/exportItems.ts, whatever the database's collation), every
// entry dated with the set's createdAt (the time its content was captured; never the export
// time), mode 0644, no directory entries, zip times in UTC, and Node's gzip header carries no
// time stamp (zlib writes MTIME 0).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import archiver, { type Archiver } from 'archiver';
import type { PrismaClient } from '../db/client';
import { findPayloadContents } from '../db/backupSets';
import { type ExportItemRow, type ExportSource, findExportSource, listExportItems } from '../db/exportItems';
import { mayHoldScripts, unescapeStoredJson, unescapeStoredText } from '../graph';
import { NotFoundError } from '../services/errors';
import { canonicalJsonText } from './canonicalJson';
import { EntryNames, exportFileName } from './entryNames';
import {
  type ManifestHeader,
  type ManifestItem,
  MANIFEST_PATH,
  manifestBytes,
  SUMS_PATH,
  sumsText,
} from './manifest';
import type { PolicyTypeSummary } from '../shared/types';
import { runStatusFor } from '../workflows/summary';
import type { ExportFormat, ExportRequest, ExportSummary } from './types';

/** Payload bytes (stored sizes) read from the database at once, and at most this many payloads. */
const CONTENT_CHUNK_BYTES = 1024 * 1024;
const CONTENT_CHUNK_ITEMS = 200;
const FILE_MODE = 0o644;
/** Entry bytes appended to archiver and not yet taken, before an append waits. */
const MAX_QUEUED_BYTES = 2 * 1024 * 1024;
/** Archive bytes gathered before they are passed on to `out`. */
const OUT_CHUNK_BYTES = 64 * 1024;

const EXTENSIONS: Record<ExportFormat, string> = { zip: 'zip', 'tar.gz': 'tar.gz' };

// Level 1: JSON compresses well at any level (bench:export: zip 10.3 MB at level 6), and the
// export is bound by deflate's time. Zip deflates each entry in a zlib context of its own, so a
// smaller window and hash (policies are ~15 KB each) keep the native memory of thousands of
// short-lived contexts low; any inflater reads them (the window only bounds back-references).
const ZIP_ZLIB = { level: 1, windowBits: 13, memLevel: 6 };
const GZIP_ZLIB = { level: 1 };

function openArchiver(format: ExportFormat): Archiver {
  return format === 'zip'
    ? archiver('zip', { zlib: ZIP_ZLIB })
    : archiver('tar', { gzip: true, gzipOptions: GZIP_ZLIB });
}

/** A set's archive, ready to write: its file name is known before any byte is (HTTP headers). */
export interface PreparedArchive {
  fileName: string;
  write(out: NodeJS.WritableStream): Promise<ExportSummary>;
}

/** Looks the set up (NotFoundError when it is not the tenant's); writes nothing yet. */
export async function prepareSetArchive(db: PrismaClient, request: ExportRequest): Promise<PreparedArchive> {
  const source = await findExportSource(db, request.tenantId, request.setId);
  if (!source) throw new NotFoundError('backup set');
  const fileName = exportFileName(
    source.tenant.slug,
    source.createdAt,
    source.id,
    EXTENSIONS[request.format],
  );
  return { fileName, write: (out) => writeArchive(db, source, request, fileName, out) };
}

export async function writeSetArchive(
  db: PrismaClient,
  request: ExportRequest,
  out: NodeJS.WritableStream,
): Promise<ExportSummary> {
  return (await prepareSetArchive(db, request)).write(out);
}

async function writeArchive(
  db: PrismaClient,
  source: ExportSource,
  request: ExportRequest,
  fileName: string,
  out: NodeJS.WritableStream,
): Promise<ExportSummary> {
  const archive = openArchiver(request.format);
  const counted = new HashingCounter();
  const stopped = new AbortController();
  const piped = pipeline(archive, counted, out);
  // Whoever fails first (the client going away, archiver, the database) stops the appends.
  piped.catch((error: unknown) => stopped.abort(error));
  const date = source.createdAt;
  // archiver takes entries in order, one 'entry' event each: the sizes queued, oldest first.
  const queued: number[] = [];
  let queuedBytes = 0;
  archive.on('entry', () => {
    queuedBytes -= queued.shift() ?? 0;
  });
  const append = async (path: string, bytes: Buffer) => {
    stopped.signal.throwIfAborted();
    archive.append(bytes, { name: path, date, mode: FILE_MODE });
    queued.push(bytes.length);
    queuedBytes += bytes.length;
    while (queuedBytes > MAX_QUEUED_BYTES) await once(archive, 'entry', { signal: stopped.signal });
  };
  try {
    const listing = new Listing();
    for await (const { row, content } of setPayloads(db, source.id, request.mayReadScripts)) {
      await listing.addPolicy(row, content, append);
    }
    const manifest = manifestBytes(manifestHeader(source, request), listing.items);
    await append(MANIFEST_PATH, manifest);
    listing.files.push({ path: MANIFEST_PATH, sha256: sha256(manifest) });
    await append(SUMS_PATH, Buffer.from(sumsText(listing.files), 'utf8'));
    await archive.finalize();
    await piped;
    return {
      fileName,
      archiveBytes: counted.bytes,
      archiveSha256: counted.digest(),
      itemCount: listing.items.length,
      manifest,
    };
  } catch (error) {
    // Destroying the archive ends the pipeline, which destroys `out`: a reader sees a truncated
    // archive, never one that looks whole.
    // The first failure is the one to report (a stopped append only says that it was stopped).
    const cause: unknown = stopped.signal.aborted ? stopped.signal.reason : error;
    archive.destroy(cause instanceof Error ? cause : new Error(String(cause)));
    await piped.catch(() => undefined);
    throw cause;
  }
}

/** What the archive holds so far: the manifest's items, and every file for SHA256SUMS. */
class Listing {
  readonly items: ManifestItem[] = [];
  readonly files: { path: string; sha256: string }[] = [];
  private readonly names = new EntryNames();

  async addPolicy(row: ExportItemRow, content: unknown, append: Append): Promise<void> {
    const item = {
      policyType: row.policyType,
      graphId: unescapeStoredText(row.graphId),
      displayName: unescapeStoredText(row.displayName),
      payloadHash: row.payloadHash,
    };
    if (content === WITHHELD) {
      this.items.push({ ...item, withheld: true });
      return;
    }
    const path = this.names.pathOf(item);
    // The payload as the items API returns it (backupItemJson), in canonical text.
    const bytes = Buffer.from(canonicalJsonText(content, unescapeStoredText), 'utf8');
    await append(path, bytes);
    const sum = sha256(bytes);
    this.files.push({ path, sha256: sum });
    this.items.push({ ...item, path, bytes: bytes.length, sha256: sum });
  }
}

type Append = (path: string, bytes: Buffer) => Promise<void>;

const WITHHELD = Symbol('withheld');

type SetPayload = { row: ExportItemRow; content: unknown };

/**
 * The set's items in archive order with their payloads' contents (WITHHELD for a script type's
 * payload when the caller may not read scripts, as the items API does), read a page of items and
 * then a few MB of contents at a time; the next chunk's contents are read while the current
 * chunk's are written.
 */
async function* setPayloads(
  db: PrismaClient,
  setId: string,
  mayReadScripts: boolean,
): AsyncGenerator<SetPayload> {
  const rows = await listExportItems(db, setId);
  let reading: Promise<SetPayload[]> | undefined;
  for (const chunk of chunksOf(rows, mayReadScripts)) {
    const next = readContents(db, chunk, mayReadScripts);
    // Awaited below or, when the export stops first, dropped: never an unhandled rejection.
    next.catch(() => undefined);
    if (reading) yield* await reading;
    reading = next;
  }
  if (reading) yield* await reading;
}

async function readContents(
  db: PrismaClient,
  chunk: ExportItemRow[],
  mayReadScripts: boolean,
): Promise<SetPayload[]> {
  const shown = new Set(chunk.filter((row) => mayReadScripts || !mayHoldScripts(row.policyType)));
  const contents = await findPayloadContents(
    db,
    [...shown].map((row) => row.payloadHash),
  );
  return chunk.map((row) => ({
    row,
    content: shown.has(row) ? contents.get(row.payloadHash) : WITHHELD,
  }));
}

/** The items cut where the payloads to read would pass CONTENT_CHUNK_BYTES or CONTENT_CHUNK_ITEMS (never empty chunks). */
function chunksOf(rows: ExportItemRow[], mayReadScripts: boolean): ExportItemRow[][] {
  const chunks: ExportItemRow[][] = [];
  let chunk: ExportItemRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = mayReadScripts || !mayHoldScripts(row.policyType) ? row.payload.sizeBytes : 0;
    if (chunk.length > 0 && (bytes + size > CONTENT_CHUNK_BYTES || chunk.length === CONTENT_CHUNK_ITEMS)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function manifestHeader(source: ExportSource, request: ExportRequest): ManifestHeader {
  const run = source.run;
  const summary = run?.summary as { types?: unknown } | null | undefined;
  const stored = request.runOutcomes ?? summary?.types;
  const outcomes = stored === undefined ? null : (unescapeStoredJson(stored) as Record<string, unknown>);
  return {
    tenant: source.tenant,
    backupSet: {
      id: source.id,
      createdAt: source.createdAt.toISOString(),
      itemCount: source.itemCount,
      totalBytes: Number(source.totalBytes),
      policyTypes: [...source.policyTypes].sort(),
    },
    // Only what the run knew when it made the set: the offsite copy writes the archive before the
    // run completes (request.runOutcomes), and a later export must give the same bytes.
    run: run
      ? {
          id: run.id,
          status: outcomes ? runStatusFor(outcomes as Record<string, PolicyTypeSummary>) : run.status,
          trigger: run.trigger,
          startedAt: run.startedAt?.toISOString() ?? null,
          outcomes,
        }
      : null,
    schedule: { id: source.schedule.id, name: source.schedule.name },
    scriptsWithheld: !request.mayReadScripts,
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Passes the archive's bytes on in pieces of OUT_CHUNK_BYTES or more, counting and hashing them. */
class HashingCounter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private held: Buffer[] = [];
  private heldBytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= OUT_CHUNK_BYTES) this.release();
    done();
  }

  override _flush(done: () => void): void {
    this.release();
    done();
  }

  private release(): void {
    if (this.heldBytes === 0) return;
    this.push(this.held.length === 1 ? this.held[0] : Buffer.concat(this.held, this.heldBytes));
    this.held = [];
    this.heldBytes = 0;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
