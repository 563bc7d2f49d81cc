// The worker's safety net for promises nobody awaited. Node's default for an unhandled rejection
// is to exit, which kills every activity in flight on the worker. Each such rejection is a bug to
// fix at its source (syncPolicies' page writes were one); until then it is logged loudly and the
// worker keeps running: the activity it belonged to fails or times out and Temporal retries it.
import type { Logger } from '../logging/logger';

/** The log message; tests search the worker's log for it, since it must never appear. */
export const UNHANDLED_REJECTION_MESSAGE = 'unhandled promise rejection (a bug); the worker keeps running';

export function logUnhandledRejections(logger: Logger): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, UNHANDLED_REJECTION_MESSAGE));
}
