// The shared words of the export room (issue 18): archive formats, what writing a set's archive
// takes and gives back, and the offsite store every destination kind implements. The archive
// writer (archive.ts), the export route, the copyOffsite activity and the stores
// (offsite/*.ts) meet here and nowhere else.
import type { Readable } from 'node:stream';

export const EXPORT_FORMATS = ['zip', 'tar.gz'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  zip: 'application/zip',
  'tar.gz': 'application/gzip',
};

/** One set's archive, as the caller may see it. */
export interface ExportRequest {
  tenantId: string;
  setId: string;
  format: ExportFormat;
  /** Without it the payloads of script types are withheld (listed in the manifest, no file). */
  mayReadScripts: boolean;
  /**
   * The run's per-type outcomes (its summary's `types`) when they are not stored yet: the offsite
   * copy writes the archive before the run completes, and must write the bytes a later export does.
   */
  runOutcomes?: Record<string, unknown>;
}

/** What writing an archive produced; the archive's own bytes went to the stream. */
export interface ExportSummary {
  /** File name for Content-Disposition and offsite object names, with its extension. */
  fileName: string;
  archiveBytes: number;
  /** SHA-256 (hex) of the archive's bytes as written. */
  archiveSha256: string;
  itemCount: number;
  /** The exact bytes of the archive's manifest.json, for the offsite copy beside the archive. */
  manifest: Buffer;
}

export const OFFSITE_STORE_KINDS = ['azure_blob', 's3'] as const;
export type OffsiteStoreKind = (typeof OFFSITE_STORE_KINDS)[number];

export interface OffsitePutInput {
  /** Object (blob or key) name, prefix included. */
  name: string;
  /** A fresh stream of the object's bytes for each call. */
  body: () => Readable;
  size: number;
  /** SHA-256 (hex) of the bytes, stored as object metadata and compared on a conflict. */
  sha256: string;
  contentType: string;
  /** Set where the store supports immutability (WORM). */
  immutableUntil?: Date;
}

/** A put never overwrites: an existing object is reported with what the store says of it. */
export type OffsitePutOutcome =
  | { kind: 'created'; etag: string }
  | { kind: 'exists'; etag: string; size: number; sha256: string | null };

export interface OffsiteStore {
  readonly kind: OffsiteStoreKind;
  put(input: OffsitePutInput): Promise<OffsitePutOutcome>;
}
