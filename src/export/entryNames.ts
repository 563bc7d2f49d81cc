// Where each policy's file goes in the archive: `<folder>/<display name>__<graph id>.json`, the
// shape of IntuneCD's backups with ids appended. Names must extract on Windows, macOS and Linux
// alike: characters Windows forbids and control characters become "_", no leading dot (hidden on
// Unix), no trailing dot or space (Windows drops them), bounded length (255-byte components, and
// Windows' 260-character paths for people who extract under a short folder). Names are unique
// even on case-insensitive file systems; see EntryNames.
import { createHash } from 'node:crypto';
import { exportFolderOf } from './folders';

/**
 * Code points and UTF-8 bytes kept of a display name and of a Graph id. Bytes bound the component
 * (ext4 and APFS count 255 bytes; 80 CJK characters alone are 240): with "__", "~<hash>-<n>" and
 * ".json" a name is at most 180 bytes, and with the longest folder (42) the path stays under 230
 * UTF-16 units (never more than its UTF-8 bytes) for Windows' 260.
 */
const MAX_NAME_CHARS = 80;
const MAX_NAME_BYTES = 100;
const MAX_ID_CHARS = 60;
const MAX_ID_BYTES = 60;

// Windows' forbidden characters, control characters (C0, DEL, C1) and the line and paragraph separators.
const UNSAFE = /[<>:"/\\|?*\p{Cc}\u2028\u2029]/gu;

/** A name part that every common file system stores as it is: at most maxChars code points and maxBytes UTF-8 bytes. */
export function fileSafe(text: string, maxChars: number, maxBytes = Number.POSITIVE_INFINITY): string {
  const cleaned = text.normalize('NFC').replace(UNSAFE, '_').replace(/\s+/g, ' ').trim();
  // Array.from splits by code point, so a surrogate pair is never cut in half.
  let bounded = '';
  let bytes = 0;
  for (const char of Array.from(cleaned).slice(0, maxChars)) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    bounded += char;
  }
  return bounded.replace(/^\.+/, '_').replace(/[. ]+$/, '');
}

const shortHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);

/**
 * Hands out entry paths for one archive. A Graph id changed by fileSafe (or two ids equal but for
 * case, on macOS and Windows) could give two items one name: such a name gets a short hash of the
 * id, so it stays unique and the same for the same set.
 */
export class EntryNames {
  private readonly taken = new Set<string>();

  pathOf(item: { policyType: string; displayName: string; graphId: string }): string {
    const name = fileSafe(item.displayName, MAX_NAME_CHARS, MAX_NAME_BYTES) || 'unnamed';
    const id = fileSafe(item.graphId, MAX_ID_CHARS, MAX_ID_BYTES);
    const base = `${exportFolderOf(item.policyType)}/${name}__${id}`;
    let path = id === item.graphId ? `${base}.json` : `${base}~${shortHash(item.graphId)}.json`;
    for (let n = 2; this.taken.has(path.toLowerCase()); n++) {
      path = `${base}~${shortHash(item.graphId)}-${n}.json`;
    }
    this.taken.add(path.toLowerCase());
    return path;
  }
}

/** `tenantvault-<slug>-<yyyymmddThhmmssZ>-<setId>.<ext>`: sorts by time within a tenant. */
export function exportFileName(slug: string, setCreatedAt: Date, setId: string, extension: string): string {
  const stamp = setCreatedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `tenantvault-${fileSafe(slug, 60)}-${stamp}-${setId}.${extension}`;
}
