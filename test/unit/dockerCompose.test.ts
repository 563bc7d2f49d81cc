// Static checks of the container setup (docker-compose.yml, Dockerfile, .dockerignore and
// the helper files under deploy/). No Docker engine is needed: the files are parsed and
// their wiring is checked, so a renamed service, an unpinned image or a search attribute
// missing from the bootstrap script fails here rather than at `docker compose up`.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadApiConfig, loadWorkerConfig } from '../../src/config/env';
import { BACKUP_TASK_QUEUE, SEARCH_ATTRIBUTES } from '../../src/shared/constants';

const root = resolve(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

type Environment = Record<string, string | number | boolean | null> | string[];
type DependsOn = string[] | Record<string, { condition?: string }>;
type Port = string | number | { target: number | string; published?: number | string; host_ip?: string };

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Environment;
  depends_on?: DependsOn;
  ports?: Port[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

interface ComposeFile {
  services: Record<string, Service>;
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText) as ComposeFile;
const services = compose.services;

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function environment(svc: Service): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]));
}

function dependencies(svc: Service): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(deps).map(([name, spec]) => [name, spec?.condition ?? 'service_started']),
  );
}

interface Published {
  hostIp?: string;
  host?: string;
  container: string;
}

function publishedPorts(svc: Service): Published[] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        hostIp: port.host_ip,
        host: port.published === undefined ? undefined : String(port.published),
        container: String(port.target),
      };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    if (parts.length === 3) return { hostIp: parts[0], host: parts[1], container: parts[2]! };
    if (parts.length === 2) return { host: parts[0], container: parts[1]! };
    return { container: parts[0]! };
  });
}

function commandOf(svc: Service): string[] {
  if (svc.command === undefined) return [];
  return Array.isArray(svc.command) ? svc.command : svc.command.split(/\s+/);
}

/** Tag of an image reference (`repo[:tag][@digest]`), or undefined when it has none. */
function imageTag(ref: string): string | undefined {
  const withoutDigest = ref.split('@')[0]!;
  const lastColon = withoutDigest.lastIndexOf(':');
  return lastColon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(lastColon + 1) : undefined;
}

function expectPinned(ref: string): void {
  const tag = imageTag(ref);
  expect({ ref, tag }).toEqual({ ref, tag: expect.stringMatching(/^\d[\w.-]*$/) });
  expect(tag).not.toBe('latest');
}

/** Host-side bind mounts of a service, as [repo-relative source, container target]. */
function bindMounts(svc: Service): [string, string][] {
  return (svc.volumes ?? []).flatMap((volume): [string, string][] => {
    if (typeof volume === 'object') {
      return volume.type === 'bind' && volume.source && volume.target ? [[volume.source, volume.target]] : [];
    }
    const [source, target] = volume.split(':');
    return source?.startsWith('.') && target ? [[source, target]] : [];
  });
}

describe('docker-compose.yml', () => {
  it('defines the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'api',
        'migrate',
        'postgres',
        'temporal',
        'temporal-schema',
        'temporal-setup',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });

  it('gives every service an image or a build', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect({ name, runnable: Boolean(svc.image || svc.build) }).toEqual({ name, runnable: true });
    }
    expect(service('postgres').image).toMatch(/^postgres:/);
    expect(service('temporal').image).toMatch(/^temporalio\/server:/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(service('temporal-schema').image).toMatch(/^temporalio\/admin-tools:/);
    expect(service('temporal-setup').image).toMatch(/^temporalio\/admin-tools:/);
  });

  it('pins every image to an explicit version tag', () => {
    const images = Object.values(services).flatMap((svc) => (svc.image ? [svc.image] : []));
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const image of images) expectPinned(image);
  });

  it('keeps the Temporal server and admin-tools (schema) images on the same version', () => {
    const serverTag = imageTag(service('temporal').image!);
    expect(imageTag(service('temporal-schema').image!)).toBe(serverTag);
    expect(imageTag(service('temporal-setup').image!)).toBe(serverTag);
  });

  it('builds api, worker and migrate from the repository Dockerfile', () => {
    for (const name of ['api', 'worker', 'migrate']) {
      const { build } = service(name);
      expect(build).toBeDefined();
      const context = typeof build === 'string' ? build : (build?.context ?? '.');
      const dockerfile = typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
      expect({ name, context: resolve(root, context) }).toEqual({ name, context: root });
      expect({ name, dockerfile: resolve(root, context, dockerfile) }).toEqual({
        name,
        dockerfile: join(root, 'Dockerfile'),
      });
    }
  });

  it('publishes the API on 3000, Temporal gRPC on 7233 and the UI on the documented port', () => {
    expect(publishedPorts(service('api'))).toContainEqual(
      expect.objectContaining({ host: '3000', container: '3000' }),
    );
    expect(publishedPorts(service('temporal'))).toContainEqual(
      expect.objectContaining({ host: '7233', container: '7233' }),
    );
    const ui = publishedPorts(service('temporal-ui'));
    expect(ui).toContainEqual(expect.objectContaining({ host: '8233', container: '8080' }));
    // The header comment tells people where to find the UI.
    expect(composeText).toMatch(/Temporal UI\s+http:\/\/localhost:8233/);
  });

  it('publishes unauthenticated infrastructure on loopback only', () => {
    for (const name of ['postgres', 'temporal', 'temporal-ui']) {
      for (const port of publishedPorts(service(name))) {
        expect({ name, hostIp: port.hostIp }).toEqual({ name, hostIp: '127.0.0.1' });
      }
    }
  });

  it('gives api and worker the secret encryption keys from the environment, with no default', () => {
    for (const name of ['api', 'worker']) {
      const env = environment(service(name));
      expect(env.SECRET_ENCRYPTION_KEYS).toMatch(/^\$\{SECRET_ENCRYPTION_KEYS:\?[^}]+\}$/);
      expect(env.SECRET_ENCRYPTION_KEY_ID).toMatch(/^\$\{SECRET_ENCRYPTION_KEY_ID:\?[^}]+\}$/);
    }
  });

  it('gives api and worker one GRAPH_ENDPOINT_ALLOWLIST, empty (Microsoft only) unless set', () => {
    const api = environment(service('api')).GRAPH_ENDPOINT_ALLOWLIST;
    expect(api).toMatch(/^\$\{GRAPH_ENDPOINT_ALLOWLIST:-\}$/);
    expect(environment(service('worker')).GRAPH_ENDPOINT_ALLOWLIST).toBe(api);
  });

  it('gives api and worker one NOTIFICATION_ENDPOINT_ALLOWLIST, empty (public receivers only) unless set', () => {
    const api = environment(service('api')).NOTIFICATION_ENDPOINT_ALLOWLIST;
    expect(api).toMatch(/^\$\{NOTIFICATION_ENDPOINT_ALLOWLIST:-\}$/);
    expect(environment(service('worker')).NOTIFICATION_ENDPOINT_ALLOWLIST).toBe(api);
  });

  it('gives api and worker one PUBLIC_API_URL, the published API port unless set', () => {
    const api = environment(service('api')).PUBLIC_API_URL;
    expect(api).toMatch(/^\$\{PUBLIC_API_URL:-http:\/\/localhost:3000\}$/);
    expect(environment(service('worker')).PUBLIC_API_URL).toBe(api);
  });

  // What Compose hands the containers when .env sets only the required keys: the app's own
  // config validation must accept it (an empty SMTP_HOST, say, would stop the worker).
  it('starts api and worker with only the required variables set', () => {
    const required = {
      SECRET_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      SECRET_ENCRYPTION_KEY_ID: 'k1',
    };
    const interpolated = (svc: Service) =>
      Object.fromEntries(
        Object.entries(environment(svc)).map(([key, value]) => [
          key,
          value.replace(
            /\$\{(\w+)(?::([-?])([^}]*))?\}/g,
            (_match, name: string, kind?: string, rest?: string) =>
              name in required ? required[name as keyof typeof required] : kind === '-' ? (rest ?? '') : '',
          ),
        ]),
      );
    const worker = loadWorkerConfig(interpolated(service('worker')));
    expect(worker.SMTP_HOST).toBeUndefined();
    expect(worker.PUBLIC_API_URL).toBe('http://localhost:3000');
    expect(loadApiConfig(interpolated(service('api'))).PUBLIC_API_URL).toBe('http://localhost:3000');
  });

  it('points the app at the compose postgres and temporal services', () => {
    for (const name of ['api', 'worker', 'migrate']) {
      const env = environment(service(name));
      const database = new URL(env.DATABASE_URL ?? '');
      expect(database.protocol).toBe('postgresql:');
      expect(database.hostname).toBe('postgres');
      expect(database.pathname).toBe('/tenantvault');
      expect(services[database.hostname]).toBeDefined();

      const [host, port] = (env.TEMPORAL_ADDRESS ?? '').split(':');
      expect({ name, host, port }).toEqual({ name, host: 'temporal', port: '7233' });
    }
    expect(environment(service('api')).PORT).toBe('3000');
  });

  it('gives the Temporal server and its bootstrap steps the same namespace and database password', () => {
    const namespace = environment(service('api')).TEMPORAL_NAMESPACE;
    expect(environment(service('worker')).TEMPORAL_NAMESPACE).toBe(namespace);
    expect(environment(service('temporal-setup')).TEMPORAL_NAMESPACE).toBe(namespace);
    expect(environment(service('temporal-ui')).TEMPORAL_DEFAULT_NAMESPACE).toBe(namespace);

    const password = environment(service('postgres')).TEMPORAL_DB_PASSWORD;
    expect(password).toBeTruthy();
    expect(environment(service('temporal')).POSTGRES_PWD).toBe(password);
    expect(environment(service('temporal-schema')).SQL_PASSWORD).toBe(password);
  });

  it('marks every default password as development-only', () => {
    const defaults = [...composeText.matchAll(/\$\{(\w*PASSWORD\w*):-([^}]*)\}/g)];
    expect(defaults.length).toBeGreaterThanOrEqual(3);
    for (const [, variable, value] of defaults) {
      expect({ variable, value }).toEqual({ variable, value: expect.stringMatching(/-dev-only$/) });
    }
  });

  it('has healthchecks on postgres, temporal, api and worker', () => {
    for (const name of ['postgres', 'temporal', 'api', 'worker']) {
      const check = service(name).healthcheck;
      expect({ name, disabled: check?.disable ?? false }).toEqual({ name, disabled: false });
      const test = check?.test ?? [];
      expect({ name, test: Array.isArray(test) ? test[0] : 'CMD-SHELL' }).toEqual({
        name,
        test: expect.stringMatching(/^CMD(-SHELL)?$/),
      });
      expect(test.length).toBeGreaterThan(1);
    }
    expect(service('postgres').healthcheck?.test).toContain('pg_isready');
    expect(String(service('api').healthcheck?.test)).toContain('/readyz');
    expect(service('worker').healthcheck?.test).toContain('deploy/healthcheck/worker-polling.cjs');
  });

  it('starts things in order: schema, server, bootstrap, migrations, then the app', () => {
    expect(dependencies(service('temporal-schema'))).toMatchObject({ postgres: 'service_healthy' });
    expect(dependencies(service('temporal'))).toMatchObject({
      'temporal-schema': 'service_completed_successfully',
    });
    expect(dependencies(service('temporal-setup'))).toMatchObject({ temporal: 'service_healthy' });
    expect(dependencies(service('temporal-ui'))).toMatchObject({ temporal: 'service_healthy' });
    expect(dependencies(service('migrate'))).toMatchObject({ postgres: 'service_healthy' });
    for (const name of ['api', 'worker']) {
      expect(dependencies(service(name))).toMatchObject({
        migrate: 'service_completed_successfully',
        'temporal-setup': 'service_completed_successfully',
      });
    }
  });

  it('runs the right command in each app container', () => {
    expect(commandOf(service('api'))).toEqual([]); // the image's CMD: the API
    expect(commandOf(service('worker'))).toEqual(['node', 'dist/worker/main.js']);
    expect(commandOf(service('migrate'))).toEqual(['npm', 'run', 'db:migrate']);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts['db:migrate']).toBe('prisma migrate deploy');
  });

  it('mounts only files that exist in the repository', () => {
    const mounts = Object.values(services).flatMap(bindMounts);
    expect(mounts.length).toBeGreaterThan(0);
    for (const [source] of mounts)
      expect({ source, exists: existsSync(join(root, source)) }).toEqual({ source, exists: true });
  });

  it('runs the mounted scripts in the admin-tools steps', () => {
    for (const [name, script] of [
      ['temporal-schema', './deploy/temporal/setup-schema.sh'],
      ['temporal-setup', './deploy/temporal/setup-namespace.sh'],
    ] as const) {
      const svc = service(name);
      const target = bindMounts(svc).find(([source]) => source === script)?.[1];
      expect({ name, target }).toEqual({ name, target: expect.any(String) });
      expect(commandOf(svc)).toContain(target);
    }
  });
});

describe('Temporal bootstrap (deploy/temporal/setup-namespace.sh)', () => {
  const script = read('deploy/temporal/setup-namespace.sh');

  it('registers every search attribute the app uses, as Keyword', () => {
    const declared = /^attributes="([^"]*)"$/m.exec(script)?.[1] ?? '';
    const registered = Object.fromEntries(declared.split(/\s+/).map((pair) => pair.split(':')));
    const expected = Object.fromEntries(Object.values(SEARCH_ATTRIBUTES).map((name) => [name, 'Keyword']));
    expect(registered).toEqual(expected);
    expect(Object.keys(registered).sort()).toEqual(['BackupScheduleId', 'BackupTrigger', 'TenantId']);
    expect(script).toContain('temporal operator search-attribute create');
  });

  it('is idempotent: checks before creating', () => {
    expect(script).toContain('temporal operator namespace describe');
    expect(script).toContain('temporal operator search-attribute list');
  });
});

describe('worker healthcheck (deploy/healthcheck/worker-polling.cjs)', () => {
  const script = read('deploy/healthcheck/worker-polling.cjs');
  // The script runs in the image against the compiled app: dist/<path>.js comes from src/<path>.ts.
  const appImports = [
    ...script.matchAll(/const \{ ([\w, ]+) \} = require\('\.\.\/\.\.\/dist\/([\w/]+)\.js'\);/g),
  ].map(([, names, modulePath]) => ({
    modulePath: modulePath!,
    names: names!.split(',').map((name) => name.trim()),
  }));

  it('reuses the worker configuration, connection and task queue from the app', async () => {
    expect(appImports.map((i) => i.modulePath).sort()).toEqual([
      'config/env',
      'shared/constants',
      'temporal/connection',
    ]);
    for (const { modulePath, names } of appImports) {
      const mod = (await import(join(root, 'src', modulePath))) as Record<string, unknown>;
      for (const name of names) {
        expect({ modulePath, name, exported: mod[name] !== undefined }).toEqual({
          modulePath,
          name,
          exported: true,
        });
      }
    }
    expect(BACKUP_TASK_QUEUE).toBe('backups');
  });
});

interface Instruction {
  keyword: string;
  args: string;
}

/** Splits a Dockerfile into instructions (continuations joined, comments dropped). */
function dockerInstructions(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (current === '' && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (trimmed.startsWith('#')) continue;
    if (trimmed.endsWith('\\')) {
      current += `${trimmed.slice(0, -1)} `;
      continue;
    }
    logical.push(current + trimmed);
    current = '';
  }
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

describe('Dockerfile', () => {
  const instructions = dockerInstructions(read('Dockerfile'));
  const firstFrom = instructions.findIndex((i) => i.keyword === 'FROM');
  const globalArgs = Object.fromEntries(
    instructions
      .slice(0, firstFrom)
      .filter((i) => i.keyword === 'ARG')
      .map((i) => i.args.split('=') as [string, string]),
  );
  const stages: Instruction[][] = [];
  for (const instruction of instructions.slice(firstFrom)) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)!.push(instruction);
  }
  const runtime = stages.at(-1)!;
  const expandArgs = (value: string) =>
    value.replace(/\$\{(\w+)\}/g, (_, name: string) => globalArgs[name] ?? '');

  it('is multi-stage and ends in the runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(runtime[0]!.args).toMatch(/\bAS runtime$/i);
  });

  it('pins its base images', () => {
    const bases = stages
      .map((stage) => expandArgs(stage[0]!.args.split(/\s+/).find((part) => !part.startsWith('--'))!))
      .filter((base) => base.includes(':'));
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) {
      expect(base).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
      expectPinned(base);
    }
  });

  it('runs as a non-root user with NODE_ENV=production', () => {
    const users = runtime.filter((i) => i.keyword === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1));
    const env = runtime
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
  });

  it('runs the API by default (the worker service overrides the command)', () => {
    const cmd = runtime.filter((i) => i.keyword === 'CMD').at(-1);
    expect(cmd && JSON.parse(cmd.args)).toEqual(['node', 'dist/api/main.js']);
  });

  it('ships what `prisma migrate deploy` and the healthchecks need, without dev dependencies', () => {
    const copied = runtime
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args)
      .join('\n');
    for (const path of [
      'package.json',
      'package-lock.json',
      'prisma.config.ts',
      'prisma',
      'dist',
      'deploy/healthcheck',
    ]) {
      expect(copied).toContain(path);
    }
    const prodInstall = stages
      .flat()
      .filter((i) => i.keyword === 'RUN')
      .some((i) => /npm ci\b.*--omit=dev/.test(i.args) || /npm prune\b.*--omit=dev/.test(i.args));
    expect(prodInstall).toBe(true);
    expect(copied).not.toMatch(/--from=(deps|build) \/app\/node_modules/);
  });
});

describe('.dockerignore', () => {
  it('keeps local state and build output out of the build context', () => {
    const entries = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const entry of ['node_modules', 'dist', '.git', '.data', '.tools', 'coverage', 'src/db/generated']) {
      expect(entries).toContain(entry);
    }
    expect(entries).toContain('!deploy/healthcheck');
  });
});
