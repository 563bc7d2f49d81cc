import { existsSync } from 'node:fs';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities';
import { BACKUP_TASK_QUEUE } from '../shared/constants';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  /** A prebuilt bundle; without one the worker bundles the workflows itself (dev). */
  bundlePath?: string;
  maxConcurrentActivities?: number;
  /** Defaults to the task queue schedules and the API start runs on. */
  taskQueue?: string;
}

export function createBackupWorker(opts: WorkerOptions): Promise<Worker> {
  const workflows =
    opts.bundlePath && existsSync(opts.bundlePath)
      ? { workflowBundle: { codePath: opts.bundlePath } }
      : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? BACKUP_TASK_QUEUE,
    activities: createActivities(opts.deps),
    ...workflows,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? 20,
    // Heartbeats carry cancellation back to the activity; the default throttle (80% of the
    // heartbeat timeout) would let a canceled sync run on for 24 s.
    maxHeartbeatThrottleInterval: '2s',
  });
}
