// Makes the Temporal Schedule of one backup schedule match its Postgres row. Callers keep a
// single writer per schedule: Temporal's update is a blind full replacement.
import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError } from '@temporalio/client';
import { msNumberToTs, tsToDate } from '@temporalio/common/lib/time';
import { temporalScheduleId } from '../shared/constants';
import { scheduleDrift } from './scheduleDrift';
import { type ScheduleDefinition, type SchedulingPolicy, scheduleOptionsFor } from './scheduleOptions';

/** What Temporal has for a schedule, against what Postgres says it should have. */
export interface TemporalScheduleState {
  /** What differs in spec, action and policies (scheduleDrift.ts); empty when in line. */
  drift: string[];
  paused: boolean;
  note: string | undefined;
  /** What the schedule did and skipped, for missed fire times (src/reconciler/missedRuns.ts). */
  activity: ScheduleActivity;
}

/** Temporal's record of a schedule's actions, as a describe returns it. */
export interface ScheduleActivity {
  missedCatchupWindow: number;
  skippedOverlap: number;
  /** The latest actions (Temporal keeps 10), oldest first. */
  recentActions: { scheduledAt: Date; takenAt: Date; workflowId: string }[];
}

/**
 * Temporal refused the schedule's content (gRPC INVALID_ARGUMENT, e.g. a time zone its tz
 * database does not have): retrying cannot help, only other input can.
 */
export class TemporalScheduleRefused extends Error {}

function refusalOf(error: unknown): TemporalScheduleRefused | undefined {
  // The SDK turns the server's "Invalid schedule spec: …" into a plain TypeError, as it does for
  // options it refuses itself before sending them.
  if (error instanceof TypeError) return new TemporalScheduleRefused(error.message, { cause: error });
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    const { code, details } = cause as { code?: unknown; details?: unknown };
    if (code === 3) return new TemporalScheduleRefused(String(details ?? cause), { cause: error });
  }
  return undefined;
}

/**
 * Creates the schedule, or replaces its spec, action, policies and pause state. Throws
 * TemporalScheduleRefused when Temporal refuses the schedule's content.
 */
export async function upsertTemporalSchedule(
  client: Client,
  schedule: ScheduleDefinition,
  tenantSlug: string,
  policy: SchedulingPolicy = {},
): Promise<void> {
  const options = scheduleOptionsFor(schedule, tenantSlug, policy);
  try {
    await client.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw refusalOf(error) ?? error;
    const { spec, action, policies, state } = options;
    await client.schedule
      .getHandle(options.scheduleId)
      .update((previous) => ({
        ...previous,
        spec,
        action,
        policies: { ...previous.policies, ...policies },
        state: { ...previous.state, ...state },
      }))
      .catch((updateError: unknown) => {
        throw refusalOf(updateError) ?? updateError;
      });
  }
}

/** The schedule's state in Temporal, or undefined if Temporal has no such schedule. */
export async function describeTemporalSchedule(
  client: Client,
  schedule: ScheduleDefinition,
  tenantSlug: string,
  policy: SchedulingPolicy = {},
): Promise<TemporalScheduleState | undefined> {
  try {
    const description = await client.schedule.getHandle(temporalScheduleId(schedule.id)).describe();
    return {
      drift: scheduleDrift(description, scheduleOptionsFor(schedule, tenantSlug, policy)),
      paused: description.state.paused,
      note: description.state.note,
      activity: {
        missedCatchupWindow: description.info.numActionsMissedCatchupWindow,
        skippedOverlap: description.info.numActionsSkippedOverlap,
        recentActions: description.info.recentActions.map((action) => ({
          scheduledAt: action.scheduledAt,
          takenAt: action.takenAt,
          workflowId: action.action.workflow.workflowId,
        })),
      },
    };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}

export async function deleteTemporalSchedule(client: Client, scheduleId: string): Promise<void> {
  try {
    await client.schedule.getHandle(temporalScheduleId(scheduleId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

/**
 * The fire times of the schedule's spec in (after, until], as Temporal computes them (calendar,
 * time zone, jitter): what should have fired, to compare with what did.
 */
export async function scheduleFireTimes(
  client: Client,
  scheduleId: string,
  after: Date,
  until: Date,
): Promise<Date[]> {
  const response = await client.workflowService.listScheduleMatchingTimes({
    namespace: client.options.namespace,
    scheduleId: temporalScheduleId(scheduleId),
    startTime: msNumberToTs(after.getTime() + 1),
    endTime: msNumberToTs(until.getTime()),
  });
  return (response.startTime ?? []).map((time) => tsToDate(time));
}

/** How many next fire times the API shows per schedule. */
export const NEXT_RUN_TIMES_SHOWN = 5;

/** Next fire times as Temporal computed them (the API shows them); null if Temporal did not say. */
export async function nextRunTimes(client: Client, scheduleId: string): Promise<Date[] | null> {
  try {
    const description = await client.schedule.getHandle(temporalScheduleId(scheduleId)).describe();
    return description.info.nextActionTimes.slice(0, NEXT_RUN_TIMES_SHOWN);
  } catch {
    return null;
  }
}

/** Transport failures leave the schedule `pending` for the reconciler; rejections are `error`. */
export function isTemporalUnavailable(error: unknown): boolean {
  // The SDK wraps the gRPC error ("Failed to create schedule"), so the whole cause chain counts.
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    // gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4), or a failed connect.
    if (code === 14 || code === 4) return true;
    if (/ECONNREFUSED|unavailable|deadline exceeded|failed to connect/i.test(String(cause))) return true;
  }
  return false;
}
