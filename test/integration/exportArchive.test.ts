// Export of a backed-up set (issue 18): zip and tar.gz over HTTP open with the system's unzip and
// tar and with Python's zipfile, their sums verify with sha256sum, the same set exports byte for
// byte the same twice, every policy's file is the items API's payload, a readonly caller's
// archive withholds script payloads, and verify-export tells a good archive from a tampered or a
// truncated one. One backed-up emulator tenant for the whole file.
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runAdmin } from '../../src/admin/main';
import { writeSetArchive } from '../../src/export/archive';
import type { ManifestItem } from '../../src/export/manifest';
import type { PolicyTypeKey } from '../../src/graph';
import { NotFoundError } from '../../src/services/errors';
import { type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { backedUpSet, grantedTenant } from '../support/restoreFixtures';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const AZURE_TENANT = '18e0a4c2-5b7d-4f19-8a3e-6c2d9b1f0e18';
const TYPES: PolicyTypeKey[] = ['settingsCatalog', 'compliance', 'deviceConfiguration', 'powershellScripts'];
const SCRIPT_TYPE = 'powershellScripts';

let tenantId: string;
let setId: string;
let dir: string;

beforeAll(async () => {
  ({ tenantId } = await grantedTenant(admin, AZURE_TENANT, []));
  setId = await backedUpSet(stack, tenantId, TYPES);
  dir = mkdtempSync(join(tmpdir(), 'tv-export-'));
}, 180_000);

async function download(query: string, token: string = stack.token) {
  const response = await fetch(`${stack.apiUrl}/v1/tenants/${tenantId}/backup-sets/${setId}/export${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The archive saved under `name`, and extracted into its own folder by the system's tools. */
function saved(name: string, bytes: Buffer): { file: string; folder: string } {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const folder = join(dir, `${name}.d`);
  execFileSync('mkdir', ['-p', folder]);
  if (name.endsWith('.zip')) execFileSync('unzip', ['-q', file, '-d', folder]);
  else execFileSync('tar', ['-xzf', file, '-C', folder]);
  return { file, folder };
}

/** The items API's payloads of the set, by type and Graph id. */
async function apiPayloads(): Promise<Map<string, unknown>> {
  const payloads = new Map<string, unknown>();
  for (let cursor: string | null = null; ; ) {
    const { body } = await stack.api(
      `/v1/tenants/${tenantId}/backup-sets/${setId}/items?includePayload=true&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    for (const item of body.items) payloads.set(`${item.policyType}/${item.graphId}`, item.payload);
    cursor = body.nextCursor;
    if (!cursor) return payloads;
  }
}

async function verify(file: string) {
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    // No DATABASE_URL: the command is offline, or it fails on configuration.
    const code = await runAdmin(['verify-export', file], {});
    return { code, output: out.join('') };
  } finally {
    write.mockRestore();
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('zip and tar.gz: system tools open them, sums verify, twice byte-identical, files equal the API payloads', async () => {
  const payloads = await apiPayloads();
  for (const format of ['zip', 'tar.gz'] as const) {
    const first = await download(format === 'zip' ? '' : `?format=${format}`);
    const second = await download(`?format=${format}`);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('content-type')).toBe(
      format === 'zip' ? 'application/zip' : 'application/gzip',
    );
    const disposition = first.response.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(
      new RegExp(
        `^attachment; filename="tenantvault-.+-\\d{8}T\\d{6}Z-${setId}\\.${format.replace('.', '\\.')}"$`,
      ),
    );
    expect(sha256(second.bytes)).toBe(sha256(first.bytes));

    const { file, folder } = saved(`set.${format}`, first.bytes);
    // Every entry carries the set's time, never the export's (two-second DOS times in a zip).
    const setTime = (await stack.db.backupSet.findUniqueOrThrow({ where: { id: setId } })).createdAt;
    if (format === 'zip') {
      execFileSync('unzip', ['-tq', file]);
      const times =
        'import sys, zipfile; print(set(i.date_time for i in zipfile.ZipFile(sys.argv[1]).infolist()))';
      const [y, mo, d, h, mi, sec] = [
        setTime.getUTCFullYear(),
        setTime.getUTCMonth() + 1,
        setTime.getUTCDate(),
        setTime.getUTCHours(),
        setTime.getUTCMinutes(),
        setTime.getUTCSeconds() & ~1,
      ];
      expect(execFileSync('python3', ['-c', times, file]).toString().trim()).toBe(
        `{(${y}, ${mo}, ${d}, ${h}, ${mi}, ${sec})}`,
      );
      const python =
        'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.namelist()))';
      const names = Number(execFileSync('python3', ['-c', python, file]).toString());
      expect(names).toBeGreaterThan(TYPES.length);
    } else {
      expect(execFileSync('tar', ['-tzf', file]).toString()).toContain('manifest.json');
      const listing = execFileSync('tar', ['--full-time', '-tvzf', file], {
        env: { ...process.env, TZ: 'UTC' },
      });
      const stamp = setTime.toISOString().slice(0, 19).replace('T', ' ');
      for (const line of listing.toString().trim().split('\n'))
        expect(line).toMatch(new RegExp(`^-rw-r--r-- 0/0 +\\d+ ${stamp} `));
    }
    // sha256sum -c fails (throws) on any mismatch or missing file.
    execFileSync('sha256sum', ['--quiet', '--strict', '-c', 'SHA256SUMS'], { cwd: folder });
    const sums = readFileSync(join(folder, 'SHA256SUMS'), 'utf8');
    expect(sums).toContain('  manifest.json\n');

    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'tenantvault.export/v1',
      tenant: { id: tenantId, azureTenantId: AZURE_TENANT },
      backupSet: { id: setId },
      run: { status: 'succeeded' },
      scriptsWithheld: false,
    });
    expect(manifest.createdAt).toBe(manifest.backupSet.createdAt);
    const items = manifest.items as ManifestItem[];
    expect(items).toHaveLength(payloads.size);
    expect(new Set(items.map((item) => item.policyType))).toEqual(new Set(TYPES));
    for (const item of items) {
      const text = readFileSync(join(folder, item.path as string));
      expect(item.bytes).toBe(text.length);
      expect(item.sha256).toBe(sha256(text));
      expect(JSON.parse(text.toString('utf8'))).toEqual(payloads.get(`${item.policyType}/${item.graphId}`));
    }
    expect((await verify(file)).code).toBe(0);
  }
}, 120_000);

test('writeSetArchive (the offsite copy writes with it) reports the bytes, SHA-256 and manifest it wrote', async () => {
  const { bytes } = await download('?format=zip');
  const file = join(dir, 'direct.zip');
  const summary = await writeSetArchive(
    stack.db,
    { tenantId, setId, format: 'zip', mayReadScripts: true },
    createWriteStream(file),
  );
  const written = readFileSync(file);
  expect(written.equals(bytes)).toBe(true);
  expect(summary).toMatchObject({ archiveBytes: written.length, archiveSha256: sha256(written) });
  expect(summary.fileName).toMatch(new RegExp(`-${setId}\\.zip$`));
  expect(summary.manifest.equals(execFileSync('unzip', ['-p', file, 'manifest.json']))).toBe(true);
  expect(summary.itemCount).toBe(JSON.parse(summary.manifest.toString()).items.length);
  await expect(
    writeSetArchive(
      stack.db,
      { tenantId: stack.tenant.id, setId, format: 'zip', mayReadScripts: true },
      createWriteStream(join(dir, 'none.zip')),
    ),
  ).rejects.toBeInstanceOf(NotFoundError);
});

test("a readonly member's archive lists script items as withheld, without their files", async () => {
  const readonly = await stack.userWithRole('readonly', tenantId);
  const { response, bytes } = await download('', readonly.token);
  expect(response.status).toBe(200);
  const { file, folder } = saved('readonly.zip', bytes);
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
  expect(manifest.scriptsWithheld).toBe(true);
  const scripts = (manifest.items as ManifestItem[]).filter((item) => item.policyType === SCRIPT_TYPE);
  expect(scripts.length).toBeGreaterThan(0);
  for (const item of scripts) {
    expect(item).toMatchObject({ withheld: true });
    expect(item.path).toBeUndefined();
  }
  expect(execFileSync('unzip', ['-Z1', file]).toString()).not.toMatch(/^Scripts\/Powershell\//m);
  expect((await verify(file)).code).toBe(0);
}, 60_000);

test('verify-export fails, naming the file, on a tampered and on a truncated archive', async () => {
  const zip = (await download('?format=zip')).bytes;
  const good = join(dir, 'good.zip');
  writeFileSync(good, zip);
  const manifest = JSON.parse(execFileSync('unzip', ['-p', good, 'manifest.json']).toString());
  const victim = (manifest.items as ManifestItem[]).find((item) => item.path)?.path as string;
  // Python rewrites the zip with one policy's file changed, everything else as it was.
  const tampered = join(dir, 'tampered.zip');
  const rewrite =
    'import sys, zipfile\n' +
    'src, dst, victim = sys.argv[1:4]\n' +
    'with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as b:\n' +
    '    for info in a.infolist():\n' +
    '        data = a.read(info)\n' +
    '        b.writestr(info, data.replace(b"{", b"{ ", 1) if info.filename == victim else data)\n';
  execFileSync('python3', ['-c', rewrite, good, tampered, victim]);
  const tamperedReport = await verify(tampered);
  expect(tamperedReport.code).toBe(1);
  expect(tamperedReport.output).toContain(`FAIL ${victim}: SHA-256 differs from SHA256SUMS`);

  const tarGz = (await download('?format=tar.gz')).bytes;
  for (const [name, bytes] of [
    ['truncated.zip', zip],
    ['truncated.tar.gz', tarGz],
  ] as const) {
    const truncated = join(dir, name);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const report = await verify(truncated);
    expect(report.code).toBe(1);
    expect(report.output).toContain(`FAIL ${truncated}: cannot be read to its end`);
  }
}, 60_000);

test("entries follow the code-unit order of type and Graph id, not the database's collation", async () => {
  // U+1F600 is a surrogate pair (D83D DE00): before U+FFFD by UTF-16 code unit, the order of
  // canonical JSON keys and of JS, after it by code point (PostgreSQL's C and C.UTF-8); an en_US
  // database would order case and punctuation otherwise again. Added in a transaction that is
  // rolled back, so the file's set stays as it was.
  const rolledBack = new Error('roll back');
  let order: string[] = [];
  await stack.db
    .$transaction(
      async (tx) => {
        const items = await tx.backupItem.findMany({
          where: { backupSetId: setId, policyType: 'compliance' },
          orderBy: { graphId: 'asc' },
          take: 2,
        });
        expect(items).toHaveLength(2);
        // Items are immutable: two more, with the payloads of two there are.
        await tx.backupItem.createMany({
          data: [
            { ...items[0]!, id: randomUUID(), graphId: '\uFFFD-a' },
            { ...items[1]!, id: randomUUID(), graphId: '\u{1F600}-b' },
          ],
        });
        const sink = new PassThrough();
        sink.resume();
        const summary = await writeSetArchive(
          tx as unknown as typeof stack.db,
          { tenantId, setId, format: 'zip', mayReadScripts: true },
          sink,
        );
        const manifest = JSON.parse(summary.manifest.toString('utf8')) as { items: ManifestItem[] };
        order = manifest.items.filter((item) => item.policyType === 'compliance').map((item) => item.graphId);
        throw rolledBack;
      },
      { timeout: 60_000 },
    )
    .catch((error: unknown) => {
      if (error !== rolledBack) throw error;
    });
  expect(order.slice(-2)).toEqual(['\u{1F600}-b', '\uFFFD-a']);
});

test('a database failure while the archive streams cuts the download short', async () => {
  // The payloads cannot be read: the response, already an archive by its headers, is destroyed.
  const failing = new Proxy(stack.db, {
    get(target, property, receiver) {
      if (property !== 'backupPayload') return Reflect.get(target, property, receiver);
      return { findMany: () => Promise.reject(new Error('database went away')) };
    },
  });
  const app = await stack.startApp({ db: failing });
  try {
    const outcome = await fetch(`${app.url}/v1/tenants/${tenantId}/backup-sets/${setId}/export`, {
      headers: { authorization: `Bearer ${stack.token}` },
    })
      .then((response) => response.arrayBuffer())
      .then(
        () => 'complete',
        (error: Error) => error.message,
      );
    expect(outcome).not.toBe('complete');
  } finally {
    await app.close();
  }
});

test("another tenant's or an unknown set is a 404, an unknown format a 422 naming format", async () => {
  const unknown = await stack.api(`/v1/tenants/${tenantId}/backup-sets/${randomUUID()}/export`);
  expect(unknown.status).toBe(404);
  expect(unknown.contentType).toContain('application/problem+json');
  const otherTenants = await stack.api(`/v1/tenants/${stack.tenant.id}/backup-sets/${setId}/export`);
  expect(otherTenants.status).toBe(404);
  const badFormat = await stack.api(`/v1/tenants/${tenantId}/backup-sets/${setId}/export?format=rar`);
  expect(badFormat.status).toBe(422);
  expect(badFormat.body.errors[0].field).toBe('format');
});
