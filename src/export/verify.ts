// Checks an exported archive offline: every SHA256SUMS line against the file it names, every
// manifest item against its file (path, bytes, SHA-256), and that no file is missing or unlisted.
// A truncated or unreadable archive is one finding. No database, no network.
import { type ArchiveFile, readArchiveFiles, sniffArchiveKind } from './readArchive';
import { EXPORT_FORMAT_ID, MANIFEST_PATH, type ManifestItem, parseSums, SUMS_PATH } from './manifest';

export interface VerifyReport {
  kind: string | null;
  files: number;
  items: number;
  withheld: number;
  findings: string[];
}

export async function verifyExport(file: string): Promise<VerifyReport> {
  const kind = await sniffArchiveKind(file);
  const report: VerifyReport = { kind, files: 0, items: 0, withheld: 0, findings: [] };
  if (!kind) return { ...report, findings: [`${file}: neither a zip nor a gzip file`] };
  let files: ArchiveFile[];
  try {
    files = await readArchiveFiles(file, kind, new Set([MANIFEST_PATH, SUMS_PATH]));
  } catch (error) {
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
    byPath.set(file.path, file);
  }
  const sumsFile = byPath.get(SUMS_PATH);
  const manifestFile = byPath.get(MANIFEST_PATH);
  if (!sumsFile?.content) findings.push(`${SUMS_PATH}: missing`);
  if (!manifestFile?.content) findings.push(`${MANIFEST_PATH}: missing`);

  const { sums, malformed } = parseSums(sumsFile?.content?.toString('utf8') ?? '');
  for (const line of malformed) findings.push(`${SUMS_PATH}: malformed line ${JSON.stringify(line)}`);
  for (const [path, sha256] of sums) {
    const file = byPath.get(path);
    if (!file) findings.push(`${path}: listed in ${SUMS_PATH} but missing from the archive`);
    else if (file.sha256 !== sha256) findings.push(`${path}: SHA-256 differs from ${SUMS_PATH}`);
  }

  const items = manifestItems(manifestFile?.content, findings);
  const listed = new Set<string>([MANIFEST_PATH, SUMS_PATH]);
  for (const item of items) {
    if (item.withheld) continue;
    const path = item.path ?? '';
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
  for (const file of files) {
    if (!listed.has(file.path)) findings.push(`${file.path}: in the archive but not in the manifest`);
  }
  return { items: items.length, withheld: items.filter((item) => item.withheld).length, findings };
}

function manifestItems(content: Buffer | undefined, findings: string[]): ManifestItem[] {
  if (!content) return [];
  try {
    const manifest = JSON.parse(content.toString('utf8')) as { format?: unknown; items?: unknown };
    if (manifest.format !== EXPORT_FORMAT_ID) {
      findings.push(
        `${MANIFEST_PATH}: format ${JSON.stringify(manifest.format)}, expected ${EXPORT_FORMAT_ID}`,
      );
    }
    if (Array.isArray(manifest.items)) return manifest.items as ManifestItem[];
    findings.push(`${MANIFEST_PATH}: no items`);
  } catch {
    findings.push(`${MANIFEST_PATH}: not JSON`);
  }
  return [];
}
