// Request logs and GET /metrics.
// GET /metrics: Prometheus text with API requests by route template, runs by status, Graph
// requests and reconciler actions, and never an id in a label.
import pino from 'pino';
import { reconcileOnce } from '../../src/reconciler/runReconciler';
import { createSchedule, runToCompletion } from '../support/runs';
import { type TestStack, useTestStack } from '../support/stack';

let stack: TestStack;
useTestStack({ captureLogs: true }, (started) => {
  stack = started;
});

test('the API exposes request, run, Graph and reconciler metrics without ids in labels', async () => {
  const schedule = await createSchedule(stack, stack.tenant.id, { policyTypes: ['compliance'] });
  const run = await runToCompletion(stack, stack.tenant.id, schedule.id);
  expect(run.status).toBe('succeeded');
  await reconcileOnce({ db: stack.db, temporal: stack.temporal, logger: pino({ level: 'silent' }) });

  const response = await fetch(`${stack.apiUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  const runNow =
    'tenantvault_http_requests_total{method="POST",route="/v1/tenants/:tenantId/backup-schedules/:scheduleId/run",status="202"}';
  expect(text).toContain(runNow);
  expect(text).toContain('route="/v1/tenants/:tenantId/runs/:runId",status="200"');
  expect(text).toMatch(/^tenantvault_backup_runs_total\{status="succeeded"\} [1-9]\d*$/m);
  expect(text).toMatch(/^tenantvault_graph_requests_total\{status="200"\} [1-9]\d*$/m);
  expect(text).toMatch(/^tenantvault_reconciler_actions_total\{action="created"\} \d+$/m);
  expect(text).not.toContain(stack.tenant.id);
  expect(text).not.toContain(schedule.id);
});

test('each request is logged once with its request id, route template, status and tenant', async () => {
  const response = await fetch(`${stack.apiUrl}/v1/tenants/${stack.tenant.id}/runs?limit=5`, {
    headers: { authorization: `Bearer ${stack.token}`, 'x-request-id': 'req-abc.123' },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('x-request-id')).toBe('req-abc.123');
  const lines = stack.logLines
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.requestId === 'req-abc.123');
  expect(lines).toEqual([
    expect.objectContaining({
      msg: 'request',
      method: 'GET',
      route: '/v1/tenants/:tenantId/runs',
      status: 200,
      tenantId: stack.tenant.id,
    }),
  ]);
  const invented = await fetch(`${stack.apiUrl}/healthz`, {
    headers: { 'x-request-id': 'bad id with spaces' },
  });
  expect(invented.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(JSON.stringify(stack.logLines)).not.toContain(stack.token);
});

test('a request whose handler fails keeps its full route template in the metrics and the log', async () => {
  // The service raises not_found after the route matched; the error leaves the router before
  // the response finishes.
  const missingRun = '00000000-0000-4000-8000-000000000000';
  const response = await fetch(`${stack.apiUrl}/v1/tenants/${stack.tenant.id}/runs/${missingRun}`, {
    headers: { authorization: `Bearer ${stack.token}`, 'x-request-id': 'req-failing-route' },
  });
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ code: 'not_found' });
  const line = stack.logLines
    .map((text) => JSON.parse(text))
    .find((entry) => entry.requestId === 'req-failing-route');
  expect(line).toMatchObject({
    route: '/v1/tenants/:tenantId/runs/:runId',
    status: 404,
    tenantId: stack.tenant.id,
    runId: missingRun,
  });
  const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  expect(text).toContain(
    'tenantvault_http_requests_total{method="GET",route="/v1/tenants/:tenantId/runs/:runId",status="404"}',
  );
});
