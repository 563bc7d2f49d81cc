// The worker's safety net, in a Node process of its own: Node's default for an unhandled rejection
// is to exit (Node 20), which would kill every activity in flight on the worker.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { UNHANDLED_REJECTION_MESSAGE } from '../../src/worker/unhandledRejections';

const ROOT = join(__dirname, '..', '..');

/** A process that rejects a promise nobody handles, then says whether it is still running. */
function rejectUnhandled(withSafetyNet: boolean) {
  const script = `
    const { createLogger } = require('./src/logging/logger');
    const { logUnhandledRejections } = require('./src/worker/unhandledRejections');
    if (${withSafetyNet}) logUnhandledRejections(createLogger({ level: 'info', name: 'worker' }));
    Promise.reject(new Error('nobody awaited this'));
    setTimeout(() => console.log('still running'), 200);`;
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

test('an unhandled rejection is logged with its reason and the process keeps running', () => {
  const { status, stdout } = rejectUnhandled(true);
  expect(status).toBe(0);
  const logged = stdout.split('\n').find((line) => line.includes(UNHANDLED_REJECTION_MESSAGE));
  expect(JSON.parse(logged ?? '{}')).toMatchObject({ level: 50, err: { message: 'nobody awaited this' } });
  expect(stdout).toContain('still running');
});

test('without it, Node exits on the first one', () => {
  const { status, stdout } = rejectUnhandled(false);
  expect(status).not.toBe(0);
  expect(stdout).not.toContain('still running');
});
