// Recorded workflow histories for replay tests. `RECORD_HISTORIES=1 npm test` rewrites them
// from real runs; add a new file next to the old ones when BackupRun changes, never replace
// the old ones: they are what running workflows still replay.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './env';

export const HISTORIES_DIR = join(__dirname, '..', 'fixtures', 'histories');

/** Bump when BackupRun changes, so newly recorded histories sit beside the old ones. */
export const WORKFLOW_HISTORY_VERSION = 'v4';

export function recordHistoryIfAsked(workflowId: string, name: string): void {
  if (process.env.RECORD_HISTORIES !== '1') return;
  // The CLI writes the proto3 JSON form that historyFromJSON reads, as `temporal workflow
  // show` does for operators exporting a history from production.
  const env = testEnv();
  const shown = spawnSync(
    env.temporalCli,
    ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', env.temporalAddress],
    { encoding: 'utf8' },
  );
  if (shown.status !== 0) throw new Error(`temporal workflow show failed: ${shown.stderr}`);
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), shown.stdout);
}
