// Checks an exported archive offline: every SHA256SUMS line against the file it names, every
// manifest item against its file (path, bytes, SHA-256), and that no file is missing or unlisted.
// A truncated or unreadable archive is one finding. No database, no network.
import { z } from 'zod';
import { type ArchiveFile, KeptFileTooLargeError, readArchiveFiles, sniffArchiveKind } from './readArchive';
import { EXPORT_FORMAT_ID, MANIFEST_PATH, type ManifestItem, parseSums, SUMS_PATH } from './manifest';

export interface VerifyReport {
  kind: string | null;
  files: number;
  items: number;
  withheld: number;
  findings: string[];
}

export async function verifyExport(
  file: string,
  options: { keptBytesLimit?: number } = {},
): Promise<VerifyReport> {
  const kind = await sniffArchiveKind(file);
  const report: VerifyReport = { kind, files: 0, items: 0, withheld: 0, findings: [] };
  if (!kind) return { ...report, findings: [`${file}: neither a zip nor a gzip file`] };
  let files: ArchiveFile[];
  try {
    files = await readArchiveFiles(file, kind, new Set([MANIFEST_PATH, SUMS_PATH]), options.keptBytesLimit);
  } catch (error) {
    if (error instanceof KeptFileTooLargeError) return { ...report, findings: [`${file}: ${error.message}`] };
    const reason = error instanceof Error ? error.message : String(error);
    return { ...report, findings: [`${file}: cannot be read to its end (truncated or damaged?): ${reason}`] };
  }
  return { ...report, files: files.length, ...checkFiles(files) };
}

/** The findings about an archive's files, read whole. */
export function checkFiles(
  files: readonly ArchiveFile[],
): Pick<VerifyReport, 'items' | 'withheld' | 'findings'> {
  const findings: string[] = [];
  const byPath = new Map<string, ArchiveFile>();
  for (const file of files) {
    if (byPath.has(file.path)) findings.push(`${file.path}: more than one file of this name`);
    if (file.special)
      findings.push(`${file.path}: a ${file.special} entry; an export holds only regular files`);
    if (!isPlainRelativePath(file.path))
      findings.push(
        `${JSON.stringify(file.path)}: not a plain relative path (extracting it would write outside its folder)`,
      );
    byPath.set(file.path, file);
  }
  const sumsFile = byPath.get(SUMS_PATH);
  const manifestFile = byPath.get(MANIFEST_PATH);
  if (!sumsFile?.content) findings.push(`${SUMS_PATH}: missing`);
  if (!manifestFile?.content) findings.push(`${MANIFEST_PATH}: missing`);

  const { sums, malformed, repeated } = parseSums(sumsFile?.content?.toString('utf8') ?? '');
  for (const line of malformed) findings.push(`${SUMS_PATH}: malformed line ${JSON.stringify(line)}`);
  for (const path of repeated) findings.push(`${path}: listed more than once in ${SUMS_PATH}`);
  for (const [path, sha256] of sums) {
    const file = byPath.get(path);
    if (!file) findings.push(`${path}: listed in ${SUMS_PATH} but missing from the archive`);
    else if (file.sha256 !== sha256) findings.push(`${path}: SHA-256 differs from ${SUMS_PATH}`);
  }

  const { items, listedCount, declaredCount } = manifestItems(manifestFile?.content, findings);
  const listed = new Set<string>([MANIFEST_PATH, SUMS_PATH]);
  for (const item of items) {
    if (item.withheld) continue;
    const path = item.path ?? '';
    if (listed.has(path)) findings.push(`${path}: more than one manifest item has this path`);
    listed.add(path);
    const file = byPath.get(path);
    if (!file) findings.push(`${path || item.graphId}: in the manifest but missing from the archive`);
    else {
      if (file.bytes !== item.bytes)
        findings.push(`${path}: ${file.bytes} bytes, the manifest says ${item.bytes}`);
      if (file.sha256 !== item.sha256) findings.push(`${path}: SHA-256 differs from the manifest`);
    }
    if (!sums.has(path)) findings.push(`${path}: missing from ${SUMS_PATH}`);
  }
  if (manifestFile && !sums.has(MANIFEST_PATH)) findings.push(`${MANIFEST_PATH}: missing from ${SUMS_PATH}`);
  if (declaredCount !== null && declaredCount !== listedCount)
    findings.push(
      `${MANIFEST_PATH}: backupSet.itemCount is ${declaredCount}, the manifest lists ${listedCount} items`,
    );
  for (const file of files) {
    if (!listed.has(file.path)) findings.push(`${file.path}: in the archive but not in the manifest`);
  }
  return { items: items.length, withheld: items.filter((item) => item.withheld).length, findings };
}

// What an item of this format is; anything else is a finding, never a crash of the checks.
const itemFields = {
  policyType: z.string(),
  graphId: z.string(),
  displayName: z.string(),
  payloadHash: z.string(),
};
const manifestItemSchema = z.union([
  z.object({ ...itemFields, withheld: z.literal(true) }),
  z.object({ ...itemFields, path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string() }),
]);

/** The manifest's valid items, how many it lists, and the item count its backupSet states (null when none). */
function manifestItems(
  content: Buffer | undefined,
  findings: string[],
): { items: ManifestItem[]; listedCount: number; declaredCount: number | null } {
  const none = { items: [], listedCount: 0, declaredCount: null };
  if (!content) return none;
  let manifest: { format?: unknown; items?: unknown; backupSet?: { itemCount?: unknown } };
  try {
    manifest = JSON.parse(content.toString('utf8')) ?? {};
  } catch {
    findings.push(`${MANIFEST_PATH}: not JSON`);
    return none;
  }
  if (manifest.format !== EXPORT_FORMAT_ID) {
    findings.push(
      `${MANIFEST_PATH}: format ${JSON.stringify(manifest.format)}, expected ${EXPORT_FORMAT_ID}`,
    );
  }
  if (!Array.isArray(manifest.items)) {
    findings.push(`${MANIFEST_PATH}: no items`);
    return none;
  }
  const items: ManifestItem[] = [];
  manifest.items.forEach((raw: unknown, index) => {
    const parsed = manifestItemSchema.safeParse(raw);
    if (parsed.success) items.push(parsed.data);
    else
      findings.push(
        `${MANIFEST_PATH}: item ${index + 1} is not an item (policyType, graphId, displayName, payloadHash, then path, bytes and sha256 or withheld)`,
      );
  });
  const declared = manifest.backupSet?.itemCount;
  return {
    items,
    listedCount: manifest.items.length,
    declaredCount: typeof declared === 'number' ? declared : null,
  };
}

/**
 * A path every tool extracts inside the target folder: relative, "/"-separated, no "." or ".."
 * or empty segment, no drive letter, backslash or control character. The writer makes no other
 * (entryNames.ts); yauzl refuses such zip names itself, tar-stream does not.
 */
export function isPlainRelativePath(path: string): boolean {
  if (/[\\\p{Cc}]/u.test(path) || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
