// Docker healthcheck for the worker container (docker-compose.yml, service `worker`).
// Exit 0 only while a worker in *this* container is long-polling the backups task queue.
//
// Why not "is the process alive" (`kill -0 1`): Docker already knows that, since the
// container stops when the worker exits. What it cannot see is a worker that is still
// running but no longer polling, e.g. stuck reconnecting to Temporal. Temporal keeps the
// pollers of every task queue with the time of their last poll, and the SDK's default
// worker identity is `<pid>@<hostname>`, where the hostname is this container's. So the
// check asks Temporal for recent pollers of the queue and looks for this hostname.
// (If the worker ever sets a custom identity, it must keep the hostname in it.)
//
// It connects with the worker's own configuration code (compiled into dist/), so TLS,
// API keys and namespace are handled exactly as the worker handles them.
'use strict';

const { createRequire } = require('node:module');
const { hostname } = require('node:os');
const { loadWorkerConfig } = require('../../dist/config/env.js');
const { BACKUP_TASK_QUEUE } = require('../../dist/shared/constants.js');
const { createLazyTemporalClient } = require('../../dist/temporal/connection.js');
// @temporalio/proto is a dependency of @temporalio/client, not of the app: resolve it from there.
const { temporal } = createRequire(require.resolve('@temporalio/client'))('@temporalio/proto');

// A polling worker re-polls at least every ~70 s (long polls time out after a minute),
// so three minutes without a poll means it has stopped.
const MAX_POLL_AGE_MS = 3 * 60_000;
const DEADLINE_MS = 10_000;

const { TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;

function timestampMs(ts) {
  if (!ts) return 0;
  const seconds =
    typeof ts.seconds === 'object' && ts.seconds !== null ? ts.seconds.toNumber() : Number(ts.seconds);
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

async function main() {
  const config = loadWorkerConfig();
  const client = createLazyTemporalClient(config);
  try {
    const me = `@${hostname()}`;
    const now = Date.now();
    for (const taskQueueType of [
      TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    ]) {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: { name: BACKUP_TASK_QUEUE, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType,
      });
      const mine = (pollers ?? []).filter((p) => (p.identity ?? '').endsWith(me));
      if (mine.some((p) => now - timestampMs(p.lastAccessTime) <= MAX_POLL_AGE_MS)) {
        return 0;
      }
    }
    console.error(
      `no poll from ${me} on task queue ${BACKUP_TASK_QUEUE} in the last ${MAX_POLL_AGE_MS / 1000}s`,
    );
    return 1;
  } finally {
    await client.connection.close();
  }
}

setTimeout(() => {
  console.error(`healthcheck timed out after ${DEADLINE_MS / 1000}s`);
  process.exit(1);
}, DEADLINE_MS).unref();

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`healthcheck failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
