// Every recorded BackupRun, DeliverNotification, RestorePlan and RestoreRun history must replay
// against the current workflow code: a change that would break running workflows fails here,
// before it reaches a worker.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { testEnv } from '../support/env';
import { HISTORIES_DIR } from '../support/histories';

const files = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

test('histories of a succeeded, a partial and a failed run, of deliveries and of restores are recorded', () => {
  expect(files.filter((file) => file.startsWith('deliverNotification-')).length).toBeGreaterThanOrEqual(3);
  expect(files.some((file) => file.startsWith('restorePlan-'))).toBe(true);
  expect(files.filter((file) => file.startsWith('restoreRun-')).length).toBeGreaterThanOrEqual(2);
  expect(files.some((file) => file.endsWith('-succeeded.json'))).toBe(true);
  expect(files.some((file) => file.endsWith('-partial.json'))).toBe(true);
  expect(files.some((file) => file.endsWith('-failed.json'))).toBe(true);
});

test('every recorded history replays without nondeterminism', async () => {
  const histories = files.map((file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
    expect(history.events?.length).toBeGreaterThan(10);
    return { workflowId: file, history };
  });
  const results: { file: string; error?: string }[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: testEnv().bundlePath } },
    histories,
  )) {
    results.push({ file: result.workflowId, ...(result.error ? { error: String(result.error) } : {}) });
  }
  results.sort((a, b) => a.file.localeCompare(b.file));
  expect(results).toEqual([...files].sort().map((file) => ({ file })));
});
