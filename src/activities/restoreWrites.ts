// The three kinds of restore write (src/restore/types.ts WriteStep), each safe to run again:
// - create: ledger intent with the marker before the POST; after an ambiguous answer, or on
//   finding an intent a crashed attempt left, look for the object by marker (or by name and
//   creation time) for up to RESTORE_CREATE_LOOKUP_SECONDS before posting again;
// - request: PATCH, PUT or a replace-all action (`/assign`): resent until it has an answer;
// - ensureEach: the live list is read first and only missing elements are posted.
// Every write waits for its slot in the shared write budget; a 429 pushes every worker's slots.
// An answer still ambiguous after a few tries throws: Temporal retries the activity, which starts
// again from the ledger (and, for a create, looks before it posts).
import { heartbeat } from '@temporalio/activity';
import type { Db, RestoreStep } from '../db/client';
import { claimCreated, recordIntent } from '../db/restoreLedger';
import type { GraphClient, GraphWriter, WriteAnswer, WriteMethod } from '../graph';
import { backoffMs, sleep } from '../graph/retryPolicy';
import { valueAtDottedPath } from '../restore/paths';
import type { GraphJson, WriteFamily, WriteStep } from '../restore/types';
import type { WriteBudget } from '../restore/writeBudget';

export interface WriteContext {
  db: Db;
  client: GraphClient;
  writer: GraphWriter;
  budget: WriteBudget;
  tenantId: string;
  /** The item's type: ids are unique per type only (some types number their objects). */
  policyType: string;
  version: 'v1.0' | 'beta';
  key: { restoreId: string; itemId: string; step: string };
  /** How long a create whose answer was lost looks for its object (RESTORE_CREATE_LOOKUP_SECONDS). */
  lookupMs: number;
  /** Pause between two looks: Graph's lists lag behind its writes (eventual consistency). */
  lookupPollMs: number;
  hasMarker(value: unknown, marker: string): boolean;
}

export type WriteResult =
  | { kind: 'done'; targetGraphId?: string }
  | { kind: 'refused'; status: number; code: string | null; message: string | null };

/** Ambiguous answers in a row before the activity gives the attempt up to Temporal's retry. */
const MAX_AMBIGUOUS = 3;
/** 429s in a row before the same: the budget's pause should have made room long before. */
const MAX_THROTTLED = 20;
/** A created object's createdDateTime may trail the intent by the clocks' skew. */
const CREATED_SKEW_MS = 60_000;

export class AmbiguousWriteError extends Error {
  override readonly name = 'AmbiguousWriteError';
}

/** One write in its budget slot, resent after a 429 (not processed) once the budget's pause has passed. */
async function sendPaced(
  ctx: WriteContext,
  family: WriteFamily,
  method: WriteMethod,
  path: string,
  body: unknown,
): Promise<Exclude<WriteAnswer, { kind: 'throttled' }>> {
  for (let throttled = 0; throttled < MAX_THROTTLED; throttled++) {
    await ctx.budget.acquire(ctx.tenantId, family);
    const answer = await ctx.writer.send(ctx.version, method, path, body);
    if (answer.kind !== 'throttled') return answer;
    await ctx.budget.throttled(ctx.tenantId, family, answer.retryAfterMs);
    heartbeat({ step: ctx.key.step, throttled: throttled + 1 });
  }
  throw new AmbiguousWriteError(`Graph kept throttling ${method} ${path}`);
}

const refusal = (answer: Extract<WriteAnswer, { kind: 'refused' }>): WriteResult => ({
  kind: 'refused',
  status: answer.status,
  code: answer.code,
  message: answer.message,
});

export async function runCreate(
  ctx: WriteContext,
  step: Extract<WriteStep, { kind: 'create' }>,
  marker: string,
  ledger: RestoreStep | null,
): Promise<WriteResult> {
  if (ledger?.state === 'intent' && ledger.attemptStartedAt) {
    // An earlier attempt may have created it and died before recording the answer.
    const found = await lookUpCreated(ctx, step, marker, ledger.attemptStartedAt);
    if (found) return { kind: 'done', targetGraphId: found };
  }
  for (let ambiguous = 0; ambiguous < MAX_AMBIGUOUS; ambiguous++) {
    const intent = await recordIntent(ctx.db, ctx.key, { marker });
    const answer = await sendPaced(ctx, step.family, 'POST', step.path, step.body);
    if (answer.kind === 'refused') return refusal(answer);
    const id = answer.kind === 'ok' ? answer.body?.id : undefined;
    if (typeof id === 'string') return { kind: 'done', targetGraphId: id };
    const found = await lookUpCreated(ctx, step, marker, intent.attemptStartedAt ?? new Date());
    if (found) return { kind: 'done', targetGraphId: found };
  }
  throw new AmbiguousWriteError(
    `create ${ctx.key.step}: no answer and no object after ${MAX_AMBIGUOUS} posts`,
  );
}

/**
 * The object a create made, if Graph lists it: the one carrying the marker, or (for types without a
 * property to carry it) one with its name created since the attempt, oldest first, that no other
 * item has adopted (claimCreated). Polls up to lookupMs.
 */
async function lookUpCreated(
  ctx: WriteContext,
  step: Extract<WriteStep, { kind: 'create' }>,
  marker: string,
  attemptStartedAt: Date,
): Promise<string | null> {
  const since = attemptStartedAt.getTime() - CREATED_SKEW_MS;
  const deadline = Date.now() + ctx.lookupMs;
  // Types without createdDateTime (notification templates): a new object's modification time is its creation.
  const createdAt = (object: Record<string, unknown>) =>
    Date.parse(
      String(object.createdDateTime ?? object.lastModifiedDateTime ?? object.modifiedDateTime ?? ''),
    );
  for (;;) {
    const listed = await ctx.client.collectAll(ctx.client.url(ctx.version, step.path));
    const matches = listed
      .filter((object) =>
        step.markerProperty
          ? ctx.hasMarker(object[step.markerProperty], marker)
          : object[step.nameProperty] === step.objectName && createdAt(object) >= since,
      )
      .sort((a, b) => (createdAt(a) || 0) - (createdAt(b) || 0))
      .map((object) => object.id)
      .filter((id): id is string => typeof id === 'string');
    const claimed = await claimCreated(ctx.db, ctx, ctx.key, matches);
    if (claimed) return claimed;
    if (Date.now() >= deadline) return null;
    heartbeat({ step: ctx.key.step, lookingFor: 'created object' });
    await sleep(Math.min(ctx.lookupPollMs, Math.max(0, deadline - Date.now())));
  }
}

export async function runRequest(
  ctx: WriteContext,
  step: Extract<WriteStep, { kind: 'request' }>,
): Promise<WriteResult> {
  for (let ambiguous = 1; ambiguous <= MAX_AMBIGUOUS; ambiguous++) {
    const answer = await sendPaced(ctx, step.family, step.method, step.path, step.body);
    if (answer.kind === 'ok') return { kind: 'done' };
    if (answer.kind === 'refused') return refusal(answer);
    // Safe to repeat (PATCH, PUT, replace-all): the same request again, after a pause.
    await sleep(backoffMs(ambiguous));
  }
  throw new AmbiguousWriteError(`${step.method} ${step.path}: no clear answer after ${MAX_AMBIGUOUS} tries`);
}

export async function runEnsureEach(
  ctx: WriteContext,
  step: Extract<WriteStep, { kind: 'ensureEach' }>,
): Promise<WriteResult> {
  const live: unknown[] = await ctx.client.collectAll(ctx.client.url(ctx.version, step.listPath));
  const keyOf = (element: unknown) =>
    JSON.stringify(step.key.map((path) => valueAtDottedPath(element, path) ?? null));
  const present = new Set(live.map(keyOf));
  for (const body of step.bodies) {
    if (present.has(keyOf(body))) continue;
    const answer = await sendPaced(ctx, step.family, 'POST', step.postPath, body);
    if (answer.kind === 'refused') return refusal(answer);
    // Maybe added, maybe not: the retried activity reads the list again and posts only what is missing.
    if (answer.kind === 'ambiguous') throw new AmbiguousWriteError(`POST ${step.postPath}: ${answer.reason}`);
    present.add(keyOf(body));
  }
  return { kind: 'done' };
}

/** `{id}` in a step's paths (and in the body keys it names) becomes the target object's id. */
export function withTargetId<S extends WriteStep>(step: S, targetGraphId: string | null): S {
  if (targetGraphId === null) return step;
  const fill = (path: string) => path.split('{id}').join(encodeURIComponent(targetGraphId));
  const fillBody = (body: GraphJson, keys: readonly string[] | undefined): GraphJson => {
    if (!keys?.length) return body;
    const out = { ...body };
    for (const key of keys)
      if (typeof out[key] === 'string') out[key] = (out[key] as string).split('{id}').join(targetGraphId);
    return out;
  };
  if (step.kind === 'ensureEach')
    return {
      ...step,
      listPath: fill(step.listPath),
      postPath: fill(step.postPath),
      bodies: step.bodies.map((body) => fillBody(body, step.idInBody)),
    };
  if (step.kind === 'request')
    return { ...step, path: fill(step.path), body: fillBody(step.body, step.idInBody) };
  return { ...step, path: fill(step.path) };
}
