// The BackupRun workflow's offsite copy (issue 18): the set's zip archive (the full backup, script
// payloads included) is written to a temporary file while its bytes are counted and hashed, then
// uploaded with its manifest to the tenant's destination. A put never overwrites: an object found
// with our exact bytes is an earlier attempt's upload (its answer was lost), anything else is a
// refusal. Each attempt is counted on the set's copy record and ends it copied or failed; errors
// leave here secret-free, since they land in Temporal's history and our tables.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import {
  beginOffsiteAttempt,
  type OffsiteCopyRef,
  recordOffsiteCopied,
  recordOffsiteFailed,
} from '../db/offsiteCopies';
import { writeSetArchive } from '../export/archive';
import { OffsiteRefusedError, openOffsiteStore } from '../export/offsite';
import {
  immutableUntilOf,
  OFFSITE_OBJECT_CONFLICT,
  offsiteObjectNames,
  putVerdict,
  secretFreeMessage,
} from '../export/offsiteCopy';
import { EXPORT_CONTENT_TYPES, type OffsiteStore } from '../export/types';
import { offsiteEndpointAllowlist } from '../outbound';
import { SecretUndecryptableError } from '../secrets';
import type { PolicyTypeSummary } from '../shared/types';
import { activityLogger } from './activityLogger';
import type { ActivityDeps } from './deps';

export interface CopyOffsiteInput {
  runId: string;
  tenantId: string;
  scheduleId: string;
  backupSetId: string;
  /** The run summary's `types`: the archive's manifest states them (the run has not stored them yet). */
  outcomes: Record<string, PolicyTypeSummary>;
}

export type CopyOffsiteResult =
  | { status: 'not_configured' }
  | {
      status: 'copied';
      objectName: string;
      manifestObjectName: string;
      sizeBytes: number;
      sha256: string;
      etag: string;
      immutableUntil: string | null;
      attempts: number;
    };

/** The type of the activity's failures that no retry can fix (the workflow's nonRetryableErrorTypes). */
export const OFFSITE_REFUSED = 'offsite_refused';

/** A refusal of ours (an object that is not our copy), failed like the stores' own refusals. */
class ObjectConflict extends Error {
  readonly code = OFFSITE_OBJECT_CONFLICT;
}

export function createCopyOffsite({ db, secrets, logger, offsite }: ActivityDeps) {
  const storeDeps = {
    db,
    secrets: secrets.offsite,
    endpointAllowlist: offsite?.endpointAllowlist ?? offsiteEndpointAllowlist(),
    ...(offsite?.trustedCaPem ? { trustedCaPem: offsite.trustedCaPem } : {}),
  };
  return async function copyOffsite(input: CopyOffsiteInput): Promise<CopyOffsiteResult> {
    const log = activityLogger(logger);
    const context = Context.current();
    let ref: OffsiteCopyRef | undefined;
    await removeAbandonedArchives();
    const dir = await mkdtemp(join(tmpdir(), TEMP_DIR_PREFIX));
    try {
      const opened = await openOffsiteStore(storeDeps, input.tenantId);
      if (!opened) return { status: 'not_configured' };
      throwIfCanceled(context);
      ref = {
        backupSetId: input.backupSetId,
        tenantId: input.tenantId,
        runId: input.runId,
        kind: opened.kind,
      };
      const { attempts, firstAttemptAt } = await beginOffsiteAttempt(db, ref);
      const archive = await writeArchiveFile(db, input, join(dir, 'archive.zip'), context);
      const tenant = await db.tenant.findUniqueOrThrow({
        where: { id: input.tenantId },
        select: { slug: true },
      });
      const names = offsiteObjectNames(opened.prefix, tenant.slug, archive.fileName);
      // From the first attempt, not this one: a retry that finds an earlier attempt's object
      // (whose WORM date cannot be changed here) must give the manifest and the record that date.
      const immutableUntil = immutableUntilOf(firstAttemptAt, opened.immutabilityDays);
      const lock = immutableUntil ? { immutableUntil } : {};
      throwIfCanceled(context);
      const etag = await putOnce(opened.store, {
        name: names.objectName,
        body: () => createReadStream(archive.path).pipe(heartbeating(context, 'upload')),
        size: archive.size,
        sha256: archive.sha256,
        contentType: EXPORT_CONTENT_TYPES.zip,
        ...lock,
      });
      const manifest = archive.manifest;
      throwIfCanceled(context);
      await putOnce(opened.store, {
        name: names.manifestObjectName,
        body: () => Readable.from([manifest]),
        size: manifest.length,
        sha256: createHash('sha256').update(manifest).digest('hex'),
        contentType: 'application/json',
        ...lock,
      });
      const copied = {
        ...names,
        sizeBytes: archive.size,
        sha256: archive.sha256,
        etag,
        immutableUntil: immutableUntil ?? null,
      };
      await recordOffsiteCopied(db, input.backupSetId, copied);
      log.info(
        { backupSetId: input.backupSetId, objectName: names.objectName, attempts },
        'set copied offsite',
      );
      return { status: 'copied', ...copied, immutableUntil: immutableUntil?.toISOString() ?? null, attempts };
    } catch (error) {
      if (context.cancellationSignal.aborted) {
        if (ref) await recordOffsiteFailed(db, ref, CANCELED);
        throw new CancelledFailure(CANCELED.message);
      }
      const failure = describeOffsiteError(error);
      log.warn({ backupSetId: input.backupSetId, ...failure }, 'offsite copy attempt failed');
      if (ref) await recordOffsiteFailed(db, ref, failure);
      // A refusal keeps its own code in the details: the workflow reports it (summary.ts).
      if (failure.refused)
        throw ApplicationFailure.create({
          message: failure.message,
          type: OFFSITE_REFUSED,
          nonRetryable: true,
          details: [{ code: failure.code }],
        });
      throw ApplicationFailure.retryable(failure.message, failure.code);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}

const TEMP_DIR_PREFIX = 'tenantvault-offsite-';
/** Far beyond an attempt's 30 minutes (startToCloseTimeout): no live attempt's directory is older. */
const ABANDONED_AFTER_MS = 2 * 3_600_000;

/**
 * A worker killed mid-copy (out of memory, a deploy) never reaches the `finally` that removes its
 * archive, and archives are as large as sets: each attempt sweeps what such attempts left.
 */
async function removeAbandonedArchives(now = Date.now()): Promise<void> {
  const root = tmpdir();
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.startsWith(TEMP_DIR_PREFIX))) {
    const path = join(root, name);
    const modified = await stat(path).then(
      (found) => found.mtimeMs,
      () => now,
    );
    if (now - modified > ABANDONED_AFTER_MS) await rm(path, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * The run was canceled (or the worker is stopping): the copy stops rather than upload for up to
 * half an hour for a run that is over. What an attempt had uploaded stays (nothing is deleted).
 */
const CANCELED = {
  code: 'offsite_canceled',
  message: 'the copy attempt was canceled (its run was canceled or its worker stopped)',
};

function throwIfCanceled(context: Context): void {
  if (context.cancellationSignal.aborted) throw new CancelledFailure(CANCELED.message);
}

interface ArchiveFile {
  path: string;
  fileName: string;
  size: number;
  sha256: string;
  manifest: Buffer;
}

/**
 * The archive on disk, never in memory. Its size and SHA-256 are the writer's: it hashes the bytes
 * it passes on, which are the file's (the pipeline fails if the file cannot take them).
 */
async function writeArchiveFile(
  db: ActivityDeps['db'],
  input: CopyOffsiteInput,
  path: string,
  context: Context,
): Promise<ArchiveFile> {
  const passing = heartbeating(context, 'archive');
  const written = pipeline(passing, createWriteStream(path));
  const request = {
    tenantId: input.tenantId,
    setId: input.backupSetId,
    format: 'zip',
    mayReadScripts: true,
    runOutcomes: input.outcomes,
  } as const;
  const [summary] = await Promise.all([writeSetArchive(db, request, passing), written]);
  return {
    path,
    fileName: summary.fileName,
    size: summary.archiveBytes,
    sha256: summary.archiveSha256,
    manifest: summary.manifest,
  };
}

/** Passes bytes on and heartbeats (the SDK throttles them) so a stall is noticed. */
function heartbeating(context: Context, phase: string): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      // Ends the archive's writing or its upload (the SDK's request fails with its body).
      if (context.cancellationSignal.aborted) return done(new CancelledFailure(CANCELED.message));
      bytes += chunk.length;
      context.heartbeat({ phase, bytes });
      done(null, chunk);
    },
  });
}

async function putOnce(store: OffsiteStore, input: Parameters<OffsiteStore['put']>[0]): Promise<string> {
  const verdict = putVerdict(await store.put(input), input, input.name);
  if (!verdict.accepted) throw new ObjectConflict(verdict.reason);
  return verdict.etag;
}

/** Code and secret-free message of an attempt's failure, and whether a retry could fix it. */
export function describeOffsiteError(error: unknown): { code: string; message: string; refused: boolean } {
  if (error instanceof ObjectConflict)
    return { code: error.code, message: secretFreeMessage(error.message), refused: true };
  if (error instanceof OffsiteRefusedError)
    return { code: error.code, message: secretFreeMessage(error.message), refused: true };
  // The destination's key left SECRET_ENCRYPTION_KEYS: the owner must give the credentials again.
  if (error instanceof SecretUndecryptableError)
    return { code: 'credentials_undecryptable', message: secretFreeMessage(error.message), refused: true };
  const message = error instanceof Error ? error.message : String(error);
  // The stores' retryable failures (and Node's network errors) carry a short code of their own.
  const own = (error as { code?: unknown } | null)?.code;
  const code =
    typeof own === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(own)
      ? `offsite_${own.toLowerCase()}`
      : 'offsite_copy_error';
  return { code, message: secretFreeMessage(message), refused: false };
}
