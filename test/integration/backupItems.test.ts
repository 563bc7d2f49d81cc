// GET …/backup-sets/{setId}/items with payloads: a page is bounded by the payloads' stored bytes
// as well as by `limit`, and never empty.
import { createHash, randomUUID } from 'node:crypto';
import { createSchedule } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ withoutWorker: true }, (started) => {
  stack = started;
});

interface StoredItem {
  policyType: string;
  displayName: string;
  /** Bytes of the payload's canonical JSON, about. */
  bytes: number;
}

/** A backup set of these items (ids ascending in this order), each with its own payload. */
async function backupSetOf(items: StoredItem[]): Promise<{ setId: string; itemIds: string[] }> {
  const tenantId = stack.tenant.id;
  const schedule = await createSchedule(stack, tenantId, { enabled: false, policyTypes: ['compliance'] });
  const run = await stack.db.backupScheduleRun.create({
    data: {
      tenantId,
      scheduleId: schedule.id,
      workflowId: `items-${randomUUID()}`,
      trigger: 'manual',
      status: 'succeeded',
      finishedAt: new Date(),
    },
  });
  const totalBytes = items.reduce((sum, item) => sum + item.bytes, 0);
  const set = await stack.db.backupSet.create({
    data: {
      tenantId,
      scheduleId: schedule.id,
      runId: run.id,
      itemCount: items.length,
      totalBytes,
      newPayloadBytes: totalBytes,
    },
  });
  const itemIds = items.map(() => randomUUID()).sort();
  for (const [index, item] of items.entries()) {
    const content = { displayName: item.displayName, body: 'x'.repeat(Math.max(0, item.bytes - 40)) };
    const json = JSON.stringify(content);
    const hash = createHash('sha256').update(json).digest('hex');
    await stack.db.backupPayload.upsert({
      where: { hash },
      create: { hash, content, sizeBytes: Buffer.byteLength(json) },
      update: {},
    });
    await stack.db.backupItem.create({
      data: {
        id: itemIds[index]!,
        backupSetId: set.id,
        policyType: item.policyType,
        graphId: randomUUID(),
        displayName: item.displayName,
        payloadHash: hash,
      },
    });
  }
  return { setId: set.id, itemIds };
}

test('a page of payloads ends before the bytes bound, holds one item at least, and the cursor goes on', async () => {
  const sizes = [3_000, 3_000, 3_000, 30_000, 1_000, 1_000];
  const { setId, itemIds } = await backupSetOf(
    sizes.map((bytes, index) => ({ policyType: 'compliance', displayName: `policy ${index}`, bytes })),
  );
  const api = await stack.startApp({ itemsPageMaxBytes: 7_000 });
  try {
    const pages: { ids: string[]; bytes: number }[] = [];
    for (let cursor: string | null = null; ; ) {
      const path: string = `/v1/tenants/${stack.tenant.id}/backup-sets/${setId}/items?includePayload=true&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await api.api(path);
      expect(status).toBe(200);
      pages.push({
        ids: body.items.map((item: { id: string }) => item.id),
        bytes: body.items.reduce((sum: number, item: { payloadBytes: number }) => sum + item.payloadBytes, 0),
      });
      for (const item of body.items) expect(item.payload.displayName).toBe(item.displayName);
      cursor = body.nextCursor;
      if (!cursor) break;
      expect(pages.length).toBeLessThan(10);
    }
    // 3,000 + 3,000 fit in 7,000; the third would not. 30,000 alone is over, and still a page.
    expect(pages.map((p) => p.ids.length)).toEqual([2, 1, 1, 2]);
    expect(pages.flatMap((p) => p.ids)).toEqual(itemIds);
    expect(pages[2]!.bytes).toBeGreaterThan(7_000);
    for (const p of [pages[0]!, pages[1]!, pages[3]!]) expect(p.bytes).toBeLessThanOrEqual(7_000);

    // Without payloads only `limit` bounds a page.
    const plain = await api.api(`/v1/tenants/${stack.tenant.id}/backup-sets/${setId}/items?limit=200`);
    expect(plain.body.items).toHaveLength(sizes.length);
    expect(plain.body.nextCursor).toBeNull();
    expect(plain.body.items[0]).not.toHaveProperty('payload');
    // `limit` still bounds a page of payloads that fit.
    const limited = await api.api(
      `/v1/tenants/${stack.tenant.id}/backup-sets/${setId}/items?includePayload=true&limit=1`,
    );
    expect(limited.body.items.map((item: { id: string }) => item.id)).toEqual([itemIds[0]]);
    expect(limited.body.nextCursor).toBe(itemIds[0]);
  } finally {
    await api.close();
  }
});

test('script payloads are shown to operators and up, and withheld from readonly members', async () => {
  const canary = `Set-LocalUser -Password (ConvertTo-SecureString 'canary-${randomUUID()}')`;
  const { setId } = await backupSetOf([
    { policyType: 'compliance', displayName: 'Windows baseline', bytes: 500 },
    { policyType: 'powershellScripts', displayName: canary, bytes: 500 },
    { policyType: 'remediations', displayName: canary, bytes: 500 },
    { policyType: 'macosShellScripts', displayName: canary, bytes: 500 },
  ]);
  const api = await stack.startApp({});
  try {
    const items = `/v1/tenants/${stack.tenant.id}/backup-sets/${setId}/items?includePayload=true`;
    const readonly = await stack.userWithRole('readonly');
    const operator = await stack.userWithRole('operator');

    const asReadonly = await api.api(items, { token: readonly.token });
    expect(asReadonly.status).toBe(200);
    const byType = (body: { items: { policyType: string }[] }) =>
      Object.fromEntries(body.items.map((item) => [item.policyType, item]));
    const hidden = byType(asReadonly.body);
    expect(hidden.compliance).toMatchObject({
      payload: { displayName: 'Windows baseline' },
      payloadBytes: expect.any(Number),
    });
    for (const type of ['powershellScripts', 'remediations', 'macosShellScripts']) {
      expect(hidden[type]).not.toHaveProperty('payload');
      expect(hidden[type]).toMatchObject({ payloadWithheld: { permission: 'scripts:read' } });
    }
    // The listing still names them; only the script payloads stay out of the answer.
    expect(JSON.stringify(asReadonly.body).split(`"payload":{"displayName":"${canary}`)).toHaveLength(1);
    const filtered = await api.api(`${items}&policyType=powershellScripts`, { token: readonly.token });
    expect(filtered.body.items).toEqual([expect.objectContaining({ payloadWithheld: expect.any(Object) })]);

    const asOperator = await api.api(items, { token: operator.token });
    const shown = byType(asOperator.body);
    for (const type of ['powershellScripts', 'remediations', 'macosShellScripts']) {
      expect(shown[type]).toMatchObject({
        payload: { displayName: canary },
        payloadBytes: expect.any(Number),
      });
      expect(shown[type]).not.toHaveProperty('payloadWithheld');
    }
  } finally {
    await api.close();
  }
});
