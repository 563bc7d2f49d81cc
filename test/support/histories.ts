// Recorded workflow histories for replay tests. `RECORD_HISTORIES=1 npm test` rewrites them
// from real runs; add a new file next to the old ones when BackupRun changes, never replace
// the old ones: they are what running workflows still replay.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { testEnv } from './env';

export const HISTORIES_DIR = join(__dirname, '..', 'fixtures', 'histories');

/** Bump when BackupRun changes, so newly recorded histories sit beside the old ones. */
export const WORKFLOW_HISTORY_VERSION = 'v5';

/** The same for DeliverNotification, whose runs last up to about three days. */
export const DELIVERY_HISTORY_VERSION = 'v1';

/** The same for RestorePlan and RestoreRun (an apply paced by Graph's write limits runs for hours). */
export const RESTORE_HISTORY_VERSION = 'v1';

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

/** Bytes anywhere in a history (payload data, mostly) as the text they encode. */
function decodeBytes(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(decodeBytes);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, decodeBytes(inner)]));
  }
  return value;
}

/** A workflow's history as text, its payloads decoded: for assertions that no secret is in it. */
export async function historyText(temporal: Client, workflowId: string): Promise<string> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(decodeBytes(history));
}
