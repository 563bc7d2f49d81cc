import { existsSync } from 'node:fs';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { type ActivityDeps, createActivities, createRestoreActivities } from '../activities';
import {
  BACKUP_TASK_QUEUE,
  notifyTaskQueueOf,
  restoreTaskQueueOf,
  syncTaskQueueOf,
} from '../shared/constants';

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
  /** Slots for notification delivery attempts (the notify queue); each may wait 15 s on a receiver. */
  maxConcurrentDeliveries?: number;
  /** Slots for restore activities (the restore queue: plans and write steps). */
  maxConcurrentRestoreActivities?: number;
  /** Defaults to the task queue schedules and the API start runs on. */
  taskQueue?: string;
}

/** The four Temporal workers of one process, run and stopped together. */
export interface BackupWorker {
  run(): Promise<void>;
  shutdown(): void;
}

export const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 20;
export const DEFAULT_MAX_CONCURRENT_SYNCS = 10;
export const DEFAULT_MAX_CONCURRENT_DELIVERIES = 20;
export const DEFAULT_MAX_CONCURRENT_RESTORE_ACTIVITIES = 10;

/**
 * A worker for the workflow queue (BackupRun and DeliverNotification workflows and the runs'
 * short activities), one for its sync queue (syncs only, with slots of their own): a long sync
 * can never hold the slot a run's bookkeeping needs; and one for its notify queue (delivery
 * attempts), so slow receivers hold neither. All register every backup activity, so runs started
 * before the sync queue existed still find their sync on the workflow queue. Restores have a
 * queue of their own, workflows and activities (restoreTaskQueueOf): a restore paced by Graph's
 * write limits waits for minutes and must hold no slot a backup needs.
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
  const [main, sync, notify, restore] = await Promise.all([
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
    Worker.create({
      ...common,
      taskQueue: notifyTaskQueueOf(taskQueue),
      maxConcurrentActivityTaskExecutions: opts.maxConcurrentDeliveries ?? DEFAULT_MAX_CONCURRENT_DELIVERIES,
    }),
    Worker.create({
      ...common,
      activities: createRestoreActivities(opts.deps),
      taskQueue: restoreTaskQueueOf(taskQueue),
      ...workflows,
      maxConcurrentActivityTaskExecutions:
        opts.maxConcurrentRestoreActivities ?? DEFAULT_MAX_CONCURRENT_RESTORE_ACTIVITIES,
    }),
  ]);
  const workers = [main, sync, notify, restore];
  return {
    async run() {
      // If one stops (a fatal error), the others must not keep the process half alive.
      const runs = workers.map((worker) =>
        worker.run().finally(() => {
          for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
        }),
      );
      const outcomes = await Promise.allSettled(runs);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}
