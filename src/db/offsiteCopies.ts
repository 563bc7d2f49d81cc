// A set's offsite copy record (backup_set_offsite_copies): what the copyOffsite activity wrote to
// the tenant's destination, or the error of its last failed attempt. One row per set; each
// attempt counts itself before it uploads, so `attempts` says how often the copy was tried even
// when an attempt died without recording its end.
import type { OffsiteStoreKind } from '../export/types';
import type { BackupSetOffsiteCopy, DbClient } from './client';

export interface OffsiteCopyRef {
  backupSetId: string;
  tenantId: string;
  runId: string;
  kind: OffsiteStoreKind;
}

export interface CopiedObject {
  objectName: string;
  manifestObjectName: string;
  sizeBytes: number;
  sha256: string;
  etag: string;
  immutableUntil: Date | null;
}

/**
 * Counts an attempt and returns the count and when the copy's first attempt began (the row's
 * creation: every attempt dates its WORM period from it, so all objects of one copy carry the
 * same date). A new row starts `copying`; a row already `copied` keeps its status (a retried
 * activity after a lost answer), a `failed` one keeps its last error until this attempt ends.
 */
export async function beginOffsiteAttempt(
  db: DbClient,
  ref: OffsiteCopyRef,
): Promise<{ attempts: number; firstAttemptAt: Date }> {
  const row = await db.backupSetOffsiteCopy.upsert({
    where: { backupSetId: ref.backupSetId },
    create: {
      ...ref,
      status: 'copying',
      attempts: 1,
    },
    update: { attempts: { increment: 1 }, kind: ref.kind, runId: ref.runId },
  });
  return { attempts: row.attempts, firstAttemptAt: row.createdAt };
}

export async function recordOffsiteCopied(
  db: DbClient,
  backupSetId: string,
  copied: CopiedObject,
): Promise<BackupSetOffsiteCopy> {
  return db.backupSetOffsiteCopy.update({
    where: { backupSetId },
    data: { status: 'copied', ...copied, errorCode: null, errorMessage: null },
  });
}

/**
 * The failure of an attempt. A copy already recorded `copied` stays so: its object exists, and a
 * late failure of a duplicate attempt says nothing about it.
 */
export async function recordOffsiteFailed(
  db: DbClient,
  ref: OffsiteCopyRef,
  error: { code: string; message: string },
): Promise<void> {
  await db.backupSetOffsiteCopy.upsert({
    where: { backupSetId: ref.backupSetId },
    create: { ...ref, status: 'failed', attempts: 0, errorCode: error.code, errorMessage: error.message },
    update: {},
  });
  await db.backupSetOffsiteCopy.updateMany({
    where: { backupSetId: ref.backupSetId, status: { not: 'copied' } },
    data: { status: 'failed', errorCode: error.code, errorMessage: error.message },
  });
}

export function findOffsiteCopy(db: DbClient, backupSetId: string): Promise<BackupSetOffsiteCopy | null> {
  return db.backupSetOffsiteCopy.findUnique({ where: { backupSetId } });
}
