// Activity log lines name the workflow and Temporal run they belong to, so an operator can go
// from a line in the logs to the run in the Temporal Web UI (and to our run row by workflow id).
import { Context } from '@temporalio/activity';
import type { Logger } from '../logging/logger';

/** The logger for the activity running now (call it inside the activity). */
export function activityLogger(logger: Logger): Logger {
  const { workflowExecution, activityType, attempt } = Context.current().info;
  return logger.child({
    workflowId: workflowExecution?.workflowId,
    temporalRunId: workflowExecution?.runId,
    activity: activityType,
    attempt,
  });
}
