// The archive's layout as data (folders per policy type), its file names and canonical text, and
// the verifier's findings on files it is handed.
import { createHash } from 'node:crypto';
import { canonicalJsonText } from '../../src/export/canonicalJson';
import { EntryNames, exportFileName, fileSafe } from '../../src/export/entryNames';
import { EXPORT_FOLDERS, exportFolderOf } from '../../src/export/folders';
import { manifestBytes, parseSums, sumsText } from '../../src/export/manifest';
import { checkFiles } from '../../src/export/verify';
import { POLICY_TYPE_KEYS } from '../../src/graph';

test('every registry type has its own folder, and no folder is another one or inside another', () => {
  expect(Object.keys(EXPORT_FOLDERS).sort()).toEqual([...POLICY_TYPE_KEYS].sort());
  const folders = POLICY_TYPE_KEYS.map(exportFolderOf);
  expect(new Set(folders.map((folder) => folder.toLowerCase())).size).toBe(folders.length);
  for (const a of folders) for (const b of folders) if (a !== b) expect(b.startsWith(`${a}/`)).toBe(false);
  for (const folder of folders)
    expect(fileSafe(folder.replaceAll('/', ' '), 200)).toBe(folder.replaceAll('/', ' '));
  expect(exportFolderOf('retiredType')).toBe('Other types/retiredType');
});

test('names are file-safe on Windows and macOS, bounded, and unique even where case does not count', () => {
  expect(fileSafe(' .hidden: a/b\\c*?"<>|\u0000\u0085 end. ', 80)).toBe('_hidden_ a_b_c________ end');
  expect(Array.from(fileSafe('😀'.repeat(100), 80))).toHaveLength(80);
  const names = new EntryNames();
  const a = names.pathOf({ policyType: 'compliance', displayName: 'Same', graphId: 'ABC' });
  const b = names.pathOf({ policyType: 'compliance', displayName: 'Same', graphId: 'abc' });
  const c = names.pathOf({ policyType: 'compliance', displayName: '', graphId: 'x/y' });
  expect(a).toBe('Compliance Policies/Policies/Same__ABC.json');
  expect(b.toLowerCase()).not.toBe(a.toLowerCase());
  expect(c).toMatch(/^Compliance Policies\/Policies\/unnamed__x_y~[0-9a-f]{8}\.json$/);
  expect(exportFileName('contoso', new Date('2026-12-01T08:09:10.123Z'), 'set-1', 'zip')).toBe(
    'tenantvault-contoso-20261201T080910Z-set-1.zip',
  );
});

test('a name of wide characters stays within 255 bytes per component and 260 UTF-16 units per path', () => {
  const names = new EntryNames();
  const longest = 'Windows quality update policies (hotpatch)';
  for (const displayName of ['設定'.repeat(60), '😀'.repeat(100), 'é'.repeat(200), 'a'.repeat(300)]) {
    const path = names.pathOf({
      policyType: 'hotpatchQualityUpdatePolicies',
      displayName,
      graphId: '1a8965d2-bd15-4d09-b86a-97ee2f98cccf',
    });
    expect(path.startsWith(`${longest}/`)).toBe(true);
    for (const component of path.split('/')) expect(Buffer.byteLength(component)).toBeLessThanOrEqual(255);
    expect(path.length).toBeLessThan(260);
  }
  // Cut by bytes, never inside a character.
  expect(fileSafe('設定'.repeat(60), 80, 100)).toBe(`${'設定'.repeat(16)}設`);
});

test('canonical text sorts keys at every depth (integer-like keys too), indents, ends with a newline', () => {
  const text = canonicalJsonText({ b: [{ z: 1, a: null }], 10: 'ten', 2: 'two', a: {} });
  expect(text).toBe(
    '{\n  "10": "ten",\n  "2": "two",\n  "a": {},\n  "b": [\n    {\n      "a": null,\n      "z": 1\n    }\n  ]\n}\n',
  );
  expect(JSON.parse(text)).toEqual({ b: [{ z: 1, a: null }], 10: 'ten', 2: 'two', a: {} });
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const file = (path: string, text: string, keep = false) => ({
  path,
  bytes: Buffer.byteLength(text),
  sha256: sha(text),
  ...(keep ? { content: Buffer.from(text) } : {}),
});

function archiveOf(policies: Record<string, string>) {
  const items = Object.entries(policies).map(([path, text]) => ({
    policyType: 'compliance',
    graphId: path,
    displayName: path,
    payloadHash: 'h',
    path,
    bytes: Buffer.byteLength(text),
    sha256: sha(text),
  }));
  const header = {
    tenant: { id: 't', slug: 's', azureTenantId: 'a' },
    backupSet: {
      id: 'b',
      createdAt: '2026-01-01T00:00:00.000Z',
      itemCount: items.length + 1,
      totalBytes: 1,
      policyTypes: [],
    },
    run: null,
    schedule: { id: 'sc', name: 'n' },
    scriptsWithheld: false,
  };
  const manifest = manifestBytes(header, [
    ...items,
    { ...items[0]!, graphId: 'w', withheld: true as const, path: undefined },
  ]).toString();
  const policyFiles = Object.entries(policies).map(([path, text]) => file(path, text));
  const sums = sumsText([...policyFiles, file('manifest.json', manifest)]);
  return [...policyFiles, file('manifest.json', manifest, true), file('SHA256SUMS', sums, true)];
}

test('the verifier finds nothing in a whole archive and names each altered, missing or extra file', () => {
  const whole = archiveOf({ 'A/x.json': '{}\n', 'A/y.json': '[]\n' });
  expect(checkFiles(whole)).toEqual({ items: 3, withheld: 1, findings: [] });
  const altered = whole.map((f) => (f.path === 'A/x.json' ? file('A/x.json', '{ }\n') : f));
  expect(checkFiles(altered).findings).toEqual([
    'A/x.json: SHA-256 differs from SHA256SUMS',
    'A/x.json: 4 bytes, the manifest says 3',
    'A/x.json: SHA-256 differs from the manifest',
  ]);
  const missingAndExtra = [...whole.filter((f) => f.path !== 'A/y.json'), file('B/z.json', '1\n')];
  expect(checkFiles(missingAndExtra).findings).toEqual([
    'A/y.json: listed in SHA256SUMS but missing from the archive',
    'A/y.json: in the manifest but missing from the archive',
    'B/z.json: in the archive but not in the manifest',
  ]);
  expect(parseSums('nonsense\n').malformed).toEqual(['nonsense']);
});

test('the verifier names a file SHA256SUMS lists twice, paths that would extract outside the folder, and a lying manifest', () => {
  const whole = archiveOf({ 'A/x.json': '{}\n' });
  const manifest = whole.find((f) => f.path === 'manifest.json')!;
  const sums = whole.find((f) => f.path === 'SHA256SUMS')!;
  // A second line for A/x.json: `sha256sum -c` would check it twice against one file, or its
  // later line would hide the first.
  const twice = `${sums.content!.toString()}${sha('other')}  A/x.json\n`;
  expect(checkFiles(whole.map((f) => (f === sums ? file('SHA256SUMS', twice, true) : f))).findings).toEqual([
    'A/x.json: listed more than once in SHA256SUMS',
  ]);

  // A tar entry named ../../x (yauzl refuses such zip names itself), listed everywhere.
  const evil = file('../../.bashrc', 'rm -rf ~\n');
  const parsed = JSON.parse(manifest.content!.toString());
  parsed.items.push({ ...parsed.items[0], path: evil.path, bytes: evil.bytes, sha256: evil.sha256 });
  parsed.backupSet.itemCount = parsed.items.length;
  const lying = file('manifest.json', JSON.stringify(parsed), true);
  const listed = sumsText([whole[0]!, evil, lying]);
  const findings = checkFiles([whole[0]!, evil, lying, file('SHA256SUMS', listed, true)]).findings;
  expect(findings).toContain(
    '"../../.bashrc": not a plain relative path (extracting it would write outside its folder)',
  );

  // Items that are not items, two items on one file, an item count that is not the items'.
  const bad = JSON.parse(manifest.content!.toString());
  bad.items.push(null, { ...bad.items[0], graphId: 'other' });
  const badManifest = file('manifest.json', JSON.stringify(bad), true);
  const badSums = sumsText([whole[0]!, badManifest]);
  expect(checkFiles([whole[0]!, badManifest, file('SHA256SUMS', badSums, true)]).findings).toEqual([
    'manifest.json: item 3 is not an item (policyType, graphId, displayName, payloadHash, then path, bytes and sha256 or withheld)',
    'A/x.json: more than one manifest item has this path',
    'manifest.json: backupSet.itemCount is 2, the manifest lists 4 items',
  ]);
});
