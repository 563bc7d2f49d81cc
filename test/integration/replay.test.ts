// Every recorded BackupRun history must replay against the current workflow code: a
// change that would break running workflows fails here, before it reaches a worker.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { testEnv } from '../support/env';
import { HISTORIES_DIR } from '../support/histories';

const files = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

test.each(files)('%s replays without nondeterminism', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
  expect(history.events?.length).toBeGreaterThan(10);
  await expect(
    Worker.runReplayHistory({ workflowBundle: { codePath: testEnv().bundlePath } }, history),
  ).resolves.toBeUndefined();
});
