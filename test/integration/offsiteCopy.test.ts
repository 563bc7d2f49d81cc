// The BackupRun workflow's offsite copy on one stack: real runs through the API, Temporal, the
// worker and the emulator, copying to Azurite. One tenant in turn without a destination, with a
// working one and with one that refuses writes (a wrong account key).
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { BlobServiceClient } from '@azure/storage-blob';
import { CancelledFailure } from '@temporalio/common';
import { backupSet as backupSetSchema, run as runSchema } from '../../src/api/openapi/responses';
import { ensureAzuriteContainer } from '../../src/devstack/azurite';
import type { PolicyTypeSummary } from '../../src/shared/types';
import { testEnv } from '../support/env';
import { historyText, recordHistoryIfAsked, WORKFLOW_HISTORY_VERSION } from '../support/histories';
import { directActivities } from '../support/activities';
import { createSchedule, runToCompletion } from '../support/runs';
import { type TestApp, type TestStack, testOffsiteSettings, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({}, (started) => {
  stack = started;
});

const TYPES = ['deviceConfiguration', 'compliance'] as const;
const CONTAINER = `offsite-copy-${Date.now()}`;
const PREFIX = 'tenantvault/';

const env = testEnv();
// Refused by Azurite as a bad signature: the well-known key's length, other bytes.
const WRONG_KEY = Buffer.from('a wrong key for devstoreaccount1, sixty-four bytes long.........').toString(
  'base64',
);
let agent: Agent;
/** The first test's set, which no copy touched. */
let uncopied: {
  runId: string;
  scheduleId: string;
  setId: string;
  outcomes: Record<string, PolicyTypeSummary>;
};
let app: TestApp;

beforeAll(async () => {
  const { trustedCaPem } = testOffsiteSettings(env);
  agent = new Agent({ ca: trustedCaPem });
  app = await stack.startApp({ offsiteEndpointAllowlist: testOffsiteSettings(env).endpointAllowlist });
  await ensureAzuriteContainer({ connectionString: env.azuriteConnectionString }, CONTAINER, trustedCaPem);
});
afterAll(async () => {
  agent?.destroy();
  await app?.close();
});

const tenantPath = () => `/v1/tenants/${stack.tenant.id}`;
const azurite = () =>
  BlobServiceClient.fromConnectionString(env.azuriteConnectionString, { agent } as object);

/** The tenant's destination, PUT through the API as its owner would. */
async function setDestination(connectionString: string, immutabilityDays: number | null = null) {
  const body = {
    kind: 'azure_blob',
    container: CONTAINER,
    connectionString,
    prefix: PREFIX,
    immutabilityDays,
  };
  const response = await app.api(`${tenantPath()}/offsite-destination`, { method: 'PUT', body });
  expect([200, 201]).toContain(response.status);
}

async function blobBytes(name: string): Promise<Buffer> {
  return azurite().getContainerClient(CONTAINER).getBlobClient(name).downloadToBuffer();
}

async function exportedSha256(setId: string): Promise<string> {
  const response = await fetch(`${stack.apiUrl}${tenantPath()}/backup-sets/${setId}/export?format=zip`, {
    headers: { authorization: `Bearer ${stack.token}` },
  });
  expect(response.status).toBe(200);
  return createHash('sha256')
    .update(Buffer.from(await response.arrayBuffer()))
    .digest('hex');
}

async function runOnce(scheduleId: string) {
  const run = await runToCompletion(stack, stack.tenant.id, scheduleId);
  const set = await stack.api(`${tenantPath()}/backup-sets/${run.backupSetId}`);
  expect(set.status).toBe(200);
  // As the OpenAPI document describes them (strict: a field it lacks fails here).
  backupSetSchema.parse(set.body);
  runSchema.parse(run);
  return { run, set: set.body };
}

test('a tenant without a destination: the run has no offsite in its summary and the set no copy', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id, { policyTypes: TYPES });
  const { run, set } = await runOnce(schedule.id);
  expect(run.status).toBe('succeeded');
  expect(run.summary).not.toHaveProperty('offsite');
  expect(set.offsiteCopy).toBeNull();
  uncopied = { runId: run.id, scheduleId: schedule.id, setId: set.id, outcomes: run.summary.types };
  recordHistoryIfAsked(run.workflowId, `backupRun-${WORKFLOW_HISTORY_VERSION}-no-offsite-succeeded`);
});

test("an attempt removes the temporary archives of attempts killed mid-copy (a worker's crash), never a live one's", async () => {
  const abandoned = await mkdtemp(join(tmpdir(), 'tenantvault-offsite-'));
  await writeFile(join(abandoned, 'archive.zip'), 'left behind by a killed worker');
  const longAgo = new Date(Date.now() - 3 * 3_600_000);
  await utimes(join(abandoned, 'archive.zip'), longAgo, longAgo);
  await utimes(abandoned, longAgo, longAgo);
  const live = await mkdtemp(join(tmpdir(), 'tenantvault-offsite-'));
  const direct = directActivities(stack);
  try {
    // The tenant has no destination yet: the attempt ends at once, after its sweep.
    const result = await direct.env.run(direct.activities.copyOffsite, {
      runId: randomUUID(),
      tenantId: stack.tenant.id,
      scheduleId: randomUUID(),
      backupSetId: randomUUID(),
      outcomes: {},
    });
    expect(result).toEqual({ status: 'not_configured' });
  } finally {
    await direct.close();
  }
  await expect(stat(abandoned)).rejects.toMatchObject({ code: 'ENOENT' });
  expect((await stat(live)).isDirectory()).toBe(true);
  await rm(live, { recursive: true, force: true });
});

test("a run copies its set to Azurite: blob and manifest, the recorded hash is the blob's and the export's; a retried copy leaves the blob untouched", async () => {
  await setDestination(env.azuriteConnectionString, 30);
  const schedule = await createSchedule(stack, stack.tenant.id, { policyTypes: TYPES });
  const { run, set } = await runOnce(schedule.id);
  expect(run.status).toBe('succeeded');
  const copy = set.offsiteCopy;
  expect(copy).toMatchObject({ status: 'copied', kind: 'azure_blob', attempts: 1, error: null });
  // Thirty days of WORM from the copy (Azurite accepts the header and ignores it).
  const wormDays = (Date.parse(copy.immutableUntil) - Date.parse(run.finishedAt)) / 86_400_000;
  expect(wormDays).toBeGreaterThan(29.9);
  expect(wormDays).toBeLessThan(30.1);
  expect(copy.objectName).toMatch(new RegExp(`^${PREFIX}${stack.tenant.slug}/.+\\.zip$`));
  expect(copy.manifestObjectName).toBe(copy.objectName.replace(/\.zip$/, '.manifest.json'));
  expect(run.summary.offsite).toEqual({
    status: 'copied',
    objectName: copy.objectName,
    sizeBytes: copy.sizeBytes,
    sha256: copy.sha256,
  });

  const bytes = await blobBytes(copy.objectName);
  expect(bytes.length).toBe(copy.sizeBytes);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(copy.sha256);
  expect(await exportedSha256(set.id)).toBe(copy.sha256);
  const manifest = JSON.parse((await blobBytes(copy.manifestObjectName)).toString('utf8'));
  expect(manifest).toMatchObject({ backupSet: { id: set.id }, run: { id: run.id, status: 'succeeded' } });
  recordHistoryIfAsked(run.workflowId, `backupRun-${WORKFLOW_HISTORY_VERSION}-offsite-copied-succeeded`);

  // The activity again for the same set, as Temporal retries it after a lost answer.
  const blob = azurite().getContainerClient(CONTAINER).getBlobClient(copy.objectName);
  const before = await blob.getProperties();
  const stored = await stack.db.backupScheduleRun.findUniqueOrThrow({ where: { id: run.id } });
  const outcomes = (stored.summary as unknown as { types: Record<string, PolicyTypeSummary> }).types;
  const direct = directActivities(stack);
  try {
    const again = await direct.env.run(direct.activities.copyOffsite, {
      runId: run.id,
      tenantId: stack.tenant.id,
      scheduleId: schedule.id,
      backupSetId: set.id,
      outcomes,
    });
    expect(again).toMatchObject({ status: 'copied', sha256: copy.sha256, etag: copy.etag, attempts: 2 });
    // The blob keeps the WORM date the first attempt gave it: the record must not claim a later one.
    expect(again).toMatchObject({ immutableUntil: copy.immutableUntil });
  } finally {
    await direct.close();
  }
  const after = await blob.getProperties();
  expect(after.etag).toBe(before.etag);
  expect(after.lastModified).toEqual(before.lastModified);
  const recorded = await stack.api(`${tenantPath()}/backup-sets/${set.id}`);
  expect(recorded.body.offsiteCopy).toMatchObject({
    status: 'copied',
    attempts: 2,
    etag: copy.etag,
    immutableUntil: copy.immutableUntil,
  });
});

test('a copy whose run is canceled stops: nothing uploaded, the attempt ends canceled', async () => {
  // The destination of the test before is still set; the set of the first test was never copied.
  const direct = directActivities(stack);
  try {
    const copying = direct.env.run(direct.activities.copyOffsite, {
      runId: uncopied.runId,
      tenantId: stack.tenant.id,
      scheduleId: uncopied.scheduleId,
      backupSetId: uncopied.setId,
      outcomes: uncopied.outcomes,
    });
    direct.env.cancel();
    await expect(copying).rejects.toBeInstanceOf(CancelledFailure);
  } finally {
    await direct.close();
  }
  const names: string[] = [];
  for await (const blob of azurite().getContainerClient(CONTAINER).listBlobsFlat({ prefix: PREFIX }))
    names.push(blob.name);
  expect(names.filter((name) => name.includes(uncopied.setId))).toEqual([]);
  const copy = await stack.db.backupSetOffsiteCopy.findUnique({ where: { backupSetId: uncopied.setId } });
  expect(copy?.status ?? 'none').not.toBe('copying');
});

test('a destination that refuses writes: the run succeeds, its copy failed with an audit row and an event', async () => {
  await setDestination(env.azuriteConnectionString.replace(/AccountKey=[^;]+/, `AccountKey=${WRONG_KEY}`));
  const schedule = await createSchedule(stack, stack.tenant.id, { policyTypes: TYPES });
  const { run, set } = await runOnce(schedule.id);
  expect(run.status).toBe('succeeded');
  expect(run.error).toBeNull();
  expect(run.summary.offsite).toMatchObject({ status: 'failed', error: { code: expect.any(String) } });
  expect(set.offsiteCopy).toMatchObject({ status: 'failed', attempts: 1, objectName: null });
  expect(set.offsiteCopy.error.code).toBe(run.summary.offsite.error.code);

  const audit = await stack.db.auditLog.findMany({
    where: { resourceType: 'backup_set', resourceId: set.id, action: 'backup_set.offsite_copy_failed' },
  });
  expect(audit).toHaveLength(1);
  expect(audit[0]?.metadata).toMatchObject({ runId: run.id, errorCode: run.summary.offsite.error.code });
  const events = await stack.db.notificationEvent.findMany({
    where: { causeKey: `run:${run.id}:offsite.copy.failed` },
  });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ type: 'offsite.copy.failed', tenantId: stack.tenant.id });
  expect(events[0]?.data).toMatchObject({ backupSetId: set.id, errorCode: run.summary.offsite.error.code });
  // No credential anywhere the failure is told.
  const told =
    JSON.stringify([run, set, audit, events]) + (await historyText(stack.temporal, run.workflowId));
  expect(told).toContain(set.id);
  expect(told).not.toContain(WRONG_KEY);
  recordHistoryIfAsked(run.workflowId, `backupRun-${WORKFLOW_HISTORY_VERSION}-offsite-failed-succeeded`);
});
