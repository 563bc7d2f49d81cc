import { existsSync } from 'node:fs';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities';
import { BACKUP_TASK_QUEUE, syncTaskQueueOf } from '../shared/constants';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  /** A prebuilt bundle; without one the worker bundles the workflows itself (dev). */
  bundlePath?: string;
  /** Slots for the workflow queue's activities: begin, lease claims, snapshot, retention, complete. */
  maxConcurrentActivities?: number;
  /** Slots for syncs (the sync queue), shared by every tenant this process serves. */
  maxConcurrentSyncs?: number;
  /** Defaults to the task queue schedules and the API start runs on. */
  taskQueue?: string;
}

/** The two Temporal workers of one process, run and stopped together. */
export interface BackupWorker {
  run(): Promise<void>;
  shutdown(): void;
}

export const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 20;
export const DEFAULT_MAX_CONCURRENT_SYNCS = 10;

/**
 * A worker for the workflow queue (BackupRun workflows and their short activities) and one for
 * its sync queue (syncs only, with slots of their own): a long sync can never hold the slot a
 * run's bookkeeping needs. Both register every activity, so runs started before the sync queue
 * existed still find their sync on the workflow queue.
 */
export async function createBackupWorker(opts: WorkerOptions): Promise<BackupWorker> {
  const taskQueue = opts.taskQueue ?? BACKUP_TASK_QUEUE;
  const activities = createActivities(opts.deps);
  const workflows =
    opts.bundlePath && existsSync(opts.bundlePath)
      ? { workflowBundle: { codePath: opts.bundlePath } }
      : { workflowsPath: require.resolve('../workflows') };
  const common = {
    connection: opts.connection,
    namespace: opts.namespace,
    activities,
    // Heartbeats carry cancellation back to the activity; the default throttle (80% of the
    // heartbeat timeout) would let a canceled sync run on for 24 s.
    maxHeartbeatThrottleInterval: '2s',
  } as const;
  const [main, sync] = await Promise.all([
    Worker.create({
      ...common,
      taskQueue,
      ...workflows,
      maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? DEFAULT_MAX_CONCURRENT_ACTIVITIES,
    }),
    Worker.create({
      ...common,
      taskQueue: syncTaskQueueOf(taskQueue),
      maxConcurrentActivityTaskExecutions: opts.maxConcurrentSyncs ?? DEFAULT_MAX_CONCURRENT_SYNCS,
    }),
  ]);
  return {
    async run() {
      // If one stops (a fatal error), the other must not keep the process half alive.
      const runs = [main.run(), sync.run()].map((running) =>
        running.finally(() => {
          if (main.getState() === 'RUNNING') main.shutdown();
          if (sync.getState() === 'RUNNING') sync.shutdown();
        }),
      );
      const outcomes = await Promise.allSettled(runs);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown() {
      for (const worker of [main, sync]) if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}
