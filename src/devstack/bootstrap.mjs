// Entry point of `npm run dev` and `npm test`. Plain JavaScript with no dependencies on
// purpose: it runs on a fresh clone before node_modules exists, installs what is missing
// (npm packages, the generated Prisma client, the Temporal CLI), then hands over to the
// TypeScript stack runner through tsx.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTemporalCli } from './temporalCli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mode = process.argv[2];
const passThrough = process.argv.slice(3);
const entries = {
  dev: 'src/devstack/dev.ts',
  test: 'src/devstack/test.ts',
  'bench:sync': 'bench/sync.ts',
  'bench:budget': 'bench/budget.ts',
  'bench:backup': 'bench/backup.ts',
  'bench:reconcile': 'bench/reconcile.ts',
  'bench:diff': 'bench/diff.ts',
  'bench:restore': 'bench/restore.ts',
  'bench:export': 'bench/export.ts',
  'bench:fleet': 'bench/fleet.ts',
};
if (!entries[mode]) {
  console.error(`usage: bootstrap.mjs ${Object.keys(entries).join('|')} [args]`);
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`[bootstrap] ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

// npm writes node_modules/.package-lock.json on every install; if the lockfile is newer,
// the installed tree is stale.
const installedMarker = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installedMarker) || mtime(join(root, 'package-lock.json')) > mtime(installedMarker)) {
  console.log('[bootstrap] installing npm packages (npm ci)…');
  run(npm, ['ci', '--no-audit', '--no-fund']);
}

const generatedClient = join(root, 'src', 'db', 'generated', 'client.ts');
if (mtime(join(root, 'prisma', 'schema.prisma')) > mtime(generatedClient)) {
  console.log('[bootstrap] generating the Prisma client…');
  run(process.execPath, [join(root, 'src', 'db', 'generate.mjs')]);
}

// The benchmark needs no Temporal server.
const temporalCli = mode === 'bench:sync' ? '' : await ensureTemporalCli(root);

const child = spawn(process.execPath, ['--import', 'tsx', join(root, entries[mode]), ...passThrough], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TEMPORAL_CLI_PATH: temporalCli },
});
// A signal sent to this process alone (a process manager, `kill <pid>`) must reach the stack's
// supervisor, which stops every service; Ctrl-C reaches both through the process group.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) =>
  process.exit(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1)),
);
