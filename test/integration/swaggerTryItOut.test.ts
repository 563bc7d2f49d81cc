// Swagger UI's "Try it out" of every route that creates something works as it comes: in headless
// Chromium against the real API at /docs, the test authorizes with a token, opens each create
// operation, clicks Try it out, types in the path ids, sends the example body as it is (only ids
// of things in this database replace the example's ids) and expects a 2xx answer.
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { operations } from '../../src/api/routeTable';
import { findChromium, launchChromium } from '../support/chromium';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

// The ids the examples use for things that must exist (src/api/routes/*.schema.ts).
const EXAMPLE_TENANT_ID = '6f1c3b2a-8d4e-4f5a-9b7c-2e1d0a9f8b76';
const EXAMPLE_SET_ID = '0b9e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b';

interface Fixtures {
  tenantId: string;
  setId: string;
  userId: string;
}

async function fixtures(): Promise<Fixtures> {
  const tenantId = stack.tenant.id;
  const schedule = await stack.db.backupSchedule.findFirst({ where: { tenantId } });
  const scheduleId =
    schedule?.id ??
    (
      await stack.api(`/v1/tenants/${tenantId}/backup-schedules`, {
        method: 'POST',
        body: {
          name: 'try-it-out fixture',
          enabled: false,
          frequency: 'daily',
          timeOfDay: '03:00',
          timezone: 'UTC',
          policyTypes: ['compliance'],
          retention: { keepLast: 1 },
        },
      })
    ).body.id;
  // A set as a run writes it, for the baseline, the legal hold and the restore plan.
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId,
      scheduleId,
      workflowId: `try-${Date.now()}`,
      trigger: 'manual',
      status: 'succeeded',
      finishedAt: new Date(),
    },
  });
  const set = await stack.db.backupSet.create({
    data: { tenantId, scheduleId, runId: run.id, itemCount: 1, totalBytes: 17, newPayloadBytes: 17 },
  });
  const hash = `${Date.now().toString(16)}`.padEnd(64, '0');
  await stack.db.backupPayload.create({
    data: { hash, content: { displayName: 'Try it out' }, sizeBytes: 17 },
  });
  await stack.db.backupItem.create({
    data: {
      backupSetId: set.id,
      policyType: 'compliance',
      graphId: 'try-it-out',
      displayName: 'Try it out',
      payloadHash: hash,
    },
  });
  const settings = { enabled: true, approvalRequired: false };
  await stack.api(`/v1/tenants/${tenantId}/restore-settings`, { method: 'PUT', body: settings });
  const token = await stack.db.apiToken.findUniqueOrThrow({ where: { prefix: stack.token.split('_')[1] } });
  return { tenantId, setId: set.id, userId: token.userId };
}

/**
 * The create operations, in an order where each finds what it needs (members need the user).
 * Not putOffsiteDestination: its examples name real cloud stores, whose hosts the service
 * resolves and checks before saving, which a test without internet access cannot pass.
 */
const creates = (f: Fixtures): { operationId: string; params: Record<string, string> }[] => [
  { operationId: 'createUser', params: {} },
  { operationId: 'issueApiToken', params: { userId: f.userId } },
  { operationId: 'createTenant', params: {} },
  { operationId: 'addMember', params: { tenantId: f.tenantId } },
  { operationId: 'createBackupSchedule', params: { tenantId: f.tenantId } },
  { operationId: 'createNotificationChannel', params: { tenantId: f.tenantId } },
  { operationId: 'createPlatformNotificationChannel', params: {} },
  { operationId: 'createBaseline', params: {} },
  { operationId: 'placeLegalHold', params: { tenantId: f.tenantId, setId: f.setId } },
  { operationId: 'createRestore', params: { tenantId: f.tenantId } },
];

// Swagger UI names each operation's block by its tag, which the document takes from the route table.
const tagOf = new Map<string, string>(operations.map((op) => [op.operationId, op.tag]));

async function setValue(page: Page, selector: string, value: string) {
  await page.$eval(
    selector,
    (element, text) => {
      // React sees a change only through the element's own value setter and an input event.
      const prototype = Object.getPrototypeOf(element);
      Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(element, text);
      element.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}

async function authorize(page: Page) {
  await page.click('.auth-wrapper .authorize');
  await page.waitForSelector('.modal-ux input');
  await page.type('.modal-ux input', stack.token);
  await page.click('.modal-ux .auth-btn-wrapper .authorize');
  await page.click('.modal-ux .btn-done, .modal-ux .close-modal');
}

/** Opens an operation, tries it out with its example and answers the status Swagger UI shows. */
async function tryItOut(page: Page, operationId: string, params: Record<string, string>, f: Fixtures) {
  const tag = tagOf.get(operationId) ?? '';
  const block = `#operations-${tag.replace(/\s/g, '_')}-${operationId}`;
  await page.waitForSelector(block);
  await page.click(`${block} .opblock-summary`);
  await page.waitForSelector(`${block} .try-out__btn`);
  await page.click(`${block} .try-out__btn`);
  for (const [name, value] of Object.entries(params)) {
    const input = `${block} tr[data-param-name="${name}"] input`;
    await page.waitForSelector(input);
    await page.type(input, value);
  }
  const textarea = `${block} textarea.body-param__text`;
  if (await page.$(textarea)) {
    const example = await page.$eval(textarea, (element) => (element as unknown as { value: string }).value);
    const filled = example.replaceAll(EXAMPLE_TENANT_ID, f.tenantId).replaceAll(EXAMPLE_SET_ID, f.setId);
    if (filled !== example) await setValue(page, textarea, filled);
  }
  await page.click(`${block} .execute`);
  const status = `${block} .live-responses-table tr.response .response-col_status`;
  await page.waitForSelector(status, { timeout: 15_000 });
  const code = await page.$eval(status, (element) => element.textContent?.trim() ?? '');
  const body = await page.$eval(
    `${block} .live-responses-table tr.response .response-col_description`,
    (element) => (element.textContent ?? '').slice(0, 600),
  );
  return { code, body };
}

test('Try it out of every create operation answers 2xx with the example as it is', async () => {
  const chromium = findChromium();
  if (!chromium) {
    if (process.env.CI) throw new Error('CI needs chromium (CHROMIUM_PATH or chromium on PATH)');
    console.log('Swagger UI not tried: it needs chromium (CHROMIUM_PATH or chromium on PATH)');
    return;
  }
  const f = await fixtures();

  const browser = await launchChromium(chromium);
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1000 });
    await page.goto(`${stack.apiUrl}/docs`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('.opblock');
    if (process.env.UPDATE_SCREENSHOT === '1')
      await page.screenshot({ path: resolve('docs/swagger-ui.png') as `${string}.png` });
    await authorize(page);
    const results: Record<string, string> = {};
    const started = new Date();
    for (const { operationId, params } of creates(f)) {
      const { code, body } = await tryItOut(page, operationId, params, f);
      results[operationId] = /^2\d\d$/.test(code) ? '2xx' : `${code}: ${body}`;
      // A platform-wide channel receives every tenant's events: left enabled, it would add a
      // delivery to every event the later test files of this stack count.
      if (operationId === 'createPlatformNotificationChannel')
        await stack.db.notificationChannel.updateMany({
          where: { tenantId: null, enabled: true, createdAt: { gte: started } },
          data: { enabled: false },
        });
      // The schedule is real: it must not fire while the tests run.
      if (operationId === 'createBackupSchedule')
        await stack.db.backupSchedule
          .findFirst({ where: { tenantId: f.tenantId, name: 'Nightly' } })
          .then((created) =>
            created
              ? stack.api(`/v1/tenants/${f.tenantId}/backup-schedules/${created.id}`, { method: 'DELETE' })
              : undefined,
          );
    }
    expect(results).toEqual(Object.fromEntries(creates(f).map(({ operationId }) => [operationId, '2xx'])));
  } finally {
    await browser.close();
  }
});
