// manifest.json and SHA256SUMS: what an archive holds and how to check it. Both are functions of
// the set alone (no export time), so the same set gives the same bytes on every export.
import { canonicalJsonText } from './canonicalJson';

export const EXPORT_FORMAT_ID = 'tenantvault.export/v1';
export const MANIFEST_PATH = 'manifest.json';
export const SUMS_PATH = 'SHA256SUMS';

export interface ManifestItem {
  policyType: string;
  graphId: string;
  displayName: string;
  /** SHA-256 of the payload as stored (its canonical JSON), as the items API's payloadHash. */
  payloadHash: string;
  /** Absent when the payload was withheld. */
  path?: string;
  /** Bytes and SHA-256 of the file at `path`. */
  bytes?: number;
  sha256?: string;
  /** A script type's payload, not shown to a caller without scripts:read. */
  withheld?: true;
}

export interface ManifestHeader {
  tenant: { id: string; slug: string; azureTenantId: string };
  backupSet: { id: string; createdAt: string; itemCount: number; totalBytes: number; policyTypes: string[] };
  run: {
    id: string;
    /** From the outcomes when known (succeeded or partial), so it is the same before and after the run ends. */
    status: string;
    trigger: string;
    startedAt: string | null;
    /** Per policy type, from the run's summary (null before the run completed, but in the offsite copy). */
    outcomes: unknown;
  } | null;
  schedule: { id: string; name: string };
  /** Whether script payloads were withheld from this archive (the caller lacked scripts:read). */
  scriptsWithheld: boolean;
}

/** The manifest's exact bytes; `createdAt` is the set's, the time its content was captured. */
export function manifestBytes(header: ManifestHeader, items: readonly ManifestItem[]): Buffer {
  return Buffer.from(
    canonicalJsonText({ format: EXPORT_FORMAT_ID, createdAt: header.backupSet.createdAt, ...header, items }),
    'utf8',
  );
}

/** `sha256sum -c` input (text mode: two spaces), one line per file in archive order. */
export function sumsText(files: readonly { path: string; sha256: string }[]): string {
  return files.map((file) => `${file.sha256}  ${file.path}\n`).join('');
}

/**
 * The lines of a SHA256SUMS file; a line that is none is returned as `malformed`, a path on more
 * than one line as `repeated` (its first sum is kept: a later line must not hide it).
 */
export function parseSums(text: string): {
  sums: Map<string, string>;
  malformed: string[];
  repeated: string[];
} {
  const sums = new Map<string, string>();
  const malformed: string[] = [];
  const repeated: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) malformed.push(line);
    else if (sums.has(match[2] as string)) repeated.push(match[2] as string);
    else sums.set(match[2] as string, match[1] as string);
  }
  return { sums, malformed, repeated };
}
