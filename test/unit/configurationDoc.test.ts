// docs/configuration.md lists every variable the services read (src/config/env.ts) and every one
// `npm run dev` reads (src/devstack/dev.ts): a new variable needs its row there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const page = read('docs/configuration.md');

const serviceVars = [...read('src/config/env.ts').matchAll(/^\s+([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);
const devVars = [
  ...read('src/devstack/dev.ts').matchAll(/process\.env\.([A-Z][A-Z0-9_]+)|port\('([A-Z_]+)'/g),
].map((m) => m[1] ?? m[2]);

test('the sources name variables to look for', () => {
  expect(serviceVars).toEqual(expect.arrayContaining(['DATABASE_URL', 'PORT', 'HOST', 'METRICS_HOST']));
  expect(devVars).toEqual(expect.arrayContaining(['DEV_BIND_ADDRESS', 'DEV_DATA_DIR', 'DEV_POSTGRES_PORT']));
});

test.each([...new Set([...serviceVars, ...devVars])])('%s has a row in docs/configuration.md', (name) => {
  expect(page).toMatch(new RegExp(`^\\|[^\\n]*\`${name}\``, 'm'));
});
