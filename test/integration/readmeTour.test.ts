// The README's five-minute tour, run as written (bash, curl, jq) against a real `npm run dev`
// stack (src/devstack/dev.ts on free ports, its data in a temporary folder), and that stack's
// services all listening on loopback only.
// A new tour step is one ```sh block in the README and one entry in `checks`, at the same place.
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/devstack/ports';
import { testEnv } from '../support/env';
import { devStackProcesses, listeningSockets } from '../support/listeningSockets';

const root = resolve(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const tour = readme.slice(
  readme.indexOf('## A five-minute tour'),
  readme.indexOf('\n## ', readme.indexOf('## A five-minute tour') + 1),
);
const blocks = [...tour.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const json = (out: string) => JSON.parse(out) as Record<string, unknown>;

/** What each block of the tour must print, in order; a block without a check fails the test. */
const checks: ((out: string) => void)[] = [
  (out) => {
    const [whoami = '', ...tenant] = out.split('\n');
    expect(whoami).toMatch(/^I am admin@tenantvault\.local, user [0-9a-f-]{36}$/);
    expect(json(tenant.join('\n'))).toEqual({
      displayName: 'Contoso (demo)',
      azureTenantId: '3f2b8c1e-7d4a-4e9b-b6c2-5a1d0e8f7c34',
      hasClientSecret: true,
    });
  },
  (out) => {
    const test = json(out) as { passed: boolean; summary: Record<string, number>; problems: unknown[] };
    expect(test).toMatchObject({ passed: true, problems: [] });
    expect(test.summary).toMatchObject({ permission_missing: 0, failed: 0, skipped: 0 });
    expect(test.summary.ok).toBeGreaterThan(0);
  },
  (out) => expect(out.trim()).toMatch(/^schedule [0-9a-f-]{36}$/),
  (out) => {
    const run = json(out);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual' });
    expect(run.backupSetId).toMatch(uuid);
  },
  (out) => {
    expect(out).toMatch(/"stats"/);
    for (const type of ['deviceConfiguration', 'settingsCatalog', 'compliance'])
      expect(out).toContain(`${type}\t`);
  },
  (out) => expect(out).toBe(''),
  (out) => {
    const [diff, history] = splitJson(out);
    expect(diff).toMatchObject({
      counts: { modified: 1, added: 0, removed: 0 },
      changed: [{ policyType: 'compliance', change: 'modified' }],
    });
    expect((diff as { changed: { fields: string[] }[] }).changed[0]?.fields.length).toBeGreaterThan(0);
    expect(history).toMatchObject([
      { version: 2, change: 'modified' },
      { version: 1, change: 'added' },
    ]);
  },
  (out) => {
    const at = out.indexOf('\n{');
    expect(out.slice(0, at).split('\n')).toContainEqual(
      expect.stringMatching(/^contoso-demo\thealthy\t\d+$/),
    );
    const status = json(out.slice(at + 1)) as { nextRuns: { name: string; next: string | null }[] };
    expect(status).toMatchObject({ state: 'healthy', reasons: [] });
    const nightly = status.nextRuns.find((schedule) => schedule.name.startsWith('Nightly '));
    expect(Date.parse(nightly?.next ?? '')).toBeGreaterThan(Date.now());
  },
];

/** Two pretty-printed JSON documents one after the other, as jq prints them. */
function splitJson(out: string): unknown[] {
  const at = out.indexOf('\n[');
  return [JSON.parse(out.slice(0, at)), JSON.parse(out.slice(at + 1))];
}

let dev: ChildProcess | undefined;
let home = '';
let ports: Record<string, number> = {};
let jq = true;

beforeAll(async () => {
  jq = spawnSync('jq', ['--version']).status === 0;
  if (!jq) {
    if (process.env.CI) throw new Error('CI needs jq for the README tour (.ci/run installs it with apt-get)');
    console.log(
      'README tour not run: it needs jq on PATH (apt-get install jq); the loopback check still runs',
    );
  }
  home = mkdtempSync(join(tmpdir(), 'tv-tour-'));
  const names = [
    'PORT',
    'TEMPORAL_UI_PORT',
    'DEV_POSTGRES_PORT',
    'DEV_TEMPORAL_PORT',
    'GRAPH_EMULATOR_PORT',
    'DEV_AZURITE_PORT',
    'DEV_SMTP_PORT',
    'DEV_MAIL_SINK_PORT',
    'METRICS_PORT',
  ];
  ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()] as const)));
  const env = testEnv();
  // Only what the dev stack needs: not the test stack's DATABASE_URL, TEMPORAL_ADDRESS or keys.
  dev = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/devstack/dev.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_CLI_PATH: env.temporalCli,
      WORKFLOW_BUNDLE_PATH: env.bundlePath,
      DEV_DATA_DIR: join(home, '.data'),
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`dev stack not up after 120 s:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('TenantVault is running.')) {
        clearTimeout(timer);
        ready();
      }
    };
    dev?.stdout?.on('data', read);
    dev?.stderr?.on('data', read);
    dev?.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`dev stack exited (${code}):\n${output}`));
    });
  });
}, 150_000);

afterAll(async () => {
  if (dev?.exitCode === null) {
    const exited = new Promise((done) => dev?.once('exit', done));
    dev.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000).unref())]);
  }
  rmSync(home, { recursive: true, force: true });
}, 40_000);

test('every service of the dev stack listens on loopback only', () => {
  const pids = devStackProcesses(dev?.pid ?? 0);
  const sockets = listeningSockets(pids);
  expect(sockets.filter((socket) => !socket.loopback)).toEqual([]);
  // The check saw every service: each port the stack was given is among them.
  const listened = new Set(sockets.map((socket) => socket.port));
  expect(Object.entries(ports).filter(([, port]) => !listened.has(port))).toEqual([]);
});

test('the README tour runs as written', async () => {
  if (!jq) return;
  expect(blocks.length).toBe(checks.length);
  const marker = '@@tour-step-end@@';
  const script = blocks.map((block) => `${block}\necho ${marker}`).join('\n');
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: home,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      API: `http://localhost:${ports.PORT}`,
      E: `https://127.0.0.1:${ports.GRAPH_EMULATOR_PORT}`,
    },
    timeout: 90_000,
  });
  const outputs = stdout.split(`${marker}\n`);
  checks.forEach((check, step) => {
    try {
      check(outputs[step] ?? '');
    } catch (error) {
      throw new Error(
        `tour step ${step + 1}:\n${blocks[step]}\nprinted:\n${outputs[step]}\n${String(error)}`,
      );
    }
  });
}, 120_000);
