// As-built documentation (issue 18) of a real backup of an emulator tenant with planted policies: a
// settings catalog policy (labelled from the stored definitions), a device configuration whose
// description needs CSV quoting, a PowerShell script, assignments to named groups with an exclude
// and a filter. Markdown, CSV (parsed by csv-parse), the changesSince appendix with its actor, a
// readonly caller's view, and the HTML page in headless Chromium (jsdom without one, never a skip).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { displayNameOf } from '../../src/emulator/generators/settingDefinitions';
import { documentPolicy } from '../../src/export/documentation/rows';
import { type EmulatedTenant, type EmulatorAdmin, useStackWithEmulator } from '../support/emulatorAdmin';
import { findChromium, launchChromium } from '../support/chromium';
import { windowsFilter } from '../support/restoreFixtures';
import { createSchedule, runToCompletion } from '../support/runs';
import type { TestStack } from '../support/stack';

let stack: TestStack;
let admin: EmulatorAdmin;
useStackWithEmulator({}, (started, emulatorAdmin) => {
  stack = started;
  admin = emulatorAdmin;
});

const AZURE_TENANT = '5e77d001-0000-4000-8000-0000000a5b18';
const TYPES = ['settingsCatalog', 'deviceConfiguration', 'assignmentFilters', 'powershellScripts'];
const DEFINITION = 'device_vendor_msft_policy_config_defender_avgcpuloadfactor';
const SCRIPT_BODY = "Write-Host 'as-built-script-marker'";
const SCRIPT_CONTENT = Buffer.from(SCRIPT_BODY).toString('base64');
const DESCRIPTION = 'Baseline, "hardened"\nsecond line';
const ACTOR = 'jane.reviewer@contoso.example';
const NS = '#microsoft.graph.';

interface Fixture {
  emulated: EmulatedTenant;
  tenantId: string;
  scheduleId: string;
  groups: { id: string; displayName: string }[];
  filterId: string;
  catalogId: string;
  profileId: string;
  firstSetId: string;
}
let fixture: Fixture;

async function documentation(setId: string, query: string, token = stack.token) {
  const response = await fetch(
    `${stack.apiUrl}/v1/tenants/${fixture.tenantId}/backup-sets/${setId}/documentation?${query}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

beforeAll(async () => {
  const { emulated, tenant } = await admin.createTenant(50, AZURE_TENANT);
  const groups = (
    JSON.parse(await admin.rawGraphText(emulated, '/v1.0/groups?$top=2')) as {
      value: { id: string; displayName: string }[];
    }
  ).value;
  const [included, excluded] = groups as [(typeof groups)[0], (typeof groups)[0]];
  const filterId = randomUUID();
  await admin.plantPolicy(emulated.azureTenantId, windowsFilter(filterId, 'Windows 11 devices'));
  const catalogId = randomUUID();
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'settingsCatalog',
    object: {
      id: catalogId,
      name: 'Defender | CPU <limits>',
      description: 'planted',
      platforms: 'windows10',
      technologies: 'mdm',
      roleScopeTagIds: ['0'],
      settingCount: 1,
    },
    settings: [
      {
        id: '0',
        settingInstance: {
          '@odata.type': `${NS}deviceManagementConfigurationSimpleSettingInstance`,
          settingDefinitionId: DEFINITION,
          simpleSettingValue: {
            '@odata.type': `${NS}deviceManagementConfigurationIntegerSettingValue`,
            value: 37,
          },
        },
      },
    ],
    assignments: [
      {
        id: randomUUID(),
        target: {
          '@odata.type': `${NS}groupAssignmentTarget`,
          groupId: included.id,
          deviceAndAppManagementAssignmentFilterId: filterId,
          deviceAndAppManagementAssignmentFilterType: 'include',
        },
      },
      {
        id: randomUUID(),
        target: { '@odata.type': `${NS}exclusionGroupAssignmentTarget`, groupId: excluded.id },
      },
    ],
  } as never);
  const profileId = randomUUID();
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'deviceConfiguration',
    object: {
      '@odata.type': `${NS}windows10GeneralConfiguration`,
      id: profileId,
      displayName: 'Password rules',
      description: DESCRIPTION,
      passwordMinimumLength: 12,
      version: 1,
    },
    assignments: [{ id: randomUUID(), target: { '@odata.type': `${NS}allDevicesAssignmentTarget` } }],
  });
  await admin.plantPolicy(emulated.azureTenantId, {
    type: 'powershellScripts',
    object: {
      id: randomUUID(),
      displayName: 'Set the wallpaper',
      fileName: 'wallpaper.ps1',
      runAsAccount: 'system',
      scriptContent: SCRIPT_CONTENT,
    },
  });
  const schedule = await createSchedule(stack, tenant.id, { policyTypes: TYPES });
  const run = await runToCompletion(stack, tenant.id, schedule.id);
  expect(run.status).toBe('succeeded');
  fixture = {
    emulated,
    tenantId: tenant.id,
    scheduleId: schedule.id,
    groups,
    filterId,
    catalogId,
    profileId,
    firstSetId: run.backupSetId as string,
  };
}, 120_000);

test('Markdown: summary, settings labelled from the stored definitions, values, named groups, exclude and filter', async () => {
  const md = await documentation(fixture.firstSetId, 'format=md');
  expect(md.status).toBe(200);
  expect(md.contentType).toBe('text/markdown; charset=utf-8');
  expect(md.text).toMatch(/^# As-built documentation: /);
  expect(md.text).toContain('| Settings catalog policies | ');
  expect(md.text).toContain('Run outcome: succeeded');
  // The definition's display name, not the id in words (which would be "Defender avgcpuloadfactor").
  const label = displayNameOf(DEFINITION);
  expect(label).not.toBe('Defender avgcpuloadfactor');
  expect(md.text).toMatch(
    new RegExp(`\\| ${label} \\| 37 \\| \`/settings/\\[settingDefinitionId=${DEFINITION}\\]/`),
  );
  // Markdown in a name is text: the pipe and angle brackets escaped.
  expect(md.text).toContain('### Defender \\| CPU \\<limits\\>');
  const [included, excluded] = fixture.groups as [Fixture['groups'][0], Fixture['groups'][0]];
  expect(md.text).toContain(
    `| include | group | ${included.displayName} (${included.id}) | Windows 11 devices (${fixture.filterId}), include |`,
  );
  expect(md.text).toContain(`| exclude | group | ${excluded.displayName} (${excluded.id}) |`);
  expect(md.text).toContain('| include | all devices |');
  expect(md.text).toContain('| Password minimum length | 12 | `/passwordMinimumLength` |');
  // The operator-level platform admin reads scripts: the body is documented.
  expect(md.text).toContain(SCRIPT_CONTENT);
});

test('CSV parses into one row per setting, quoted where needed', async () => {
  const csv = await documentation(fixture.firstSetId, 'format=csv');
  expect(csv.contentType).toBe('text/csv; charset=utf-8; header=present');
  const rows = parse(csv.text, { columns: true, relax_column_count: false }) as Record<string, string>[];
  // Expected: what each item's payload documents, from the items API.
  const items = await stack.api(
    `/v1/tenants/${fixture.tenantId}/backup-sets/${fixture.firstSetId}/items?includePayload=true&limit=200`,
  );
  const noLabels = {
    settingName: () => undefined,
    optionName: () => undefined,
    referenceName: () => undefined,
  };
  const expected = (items.body.items as { policyType: string; payload: unknown }[]).reduce(
    (sum, item) =>
      sum +
      documentPolicy({ policyType: item.policyType, payload: item.payload, mayReadScripts: true }, noLabels)
        .settings.length,
    0,
  );
  expect(items.body.nextCursor ?? null).toBeNull();
  expect(expected).toBeGreaterThan(10);
  expect(rows).toHaveLength(expected);
  expect(Object.keys(rows[0] as object)).toEqual(['type', 'policy', 'setting', 'path', 'value']);
  expect(rows).toContainEqual({
    type: 'Device configuration profiles',
    policy: 'Password rules',
    setting: 'Description',
    path: '/description',
    value: DESCRIPTION,
  });
});

test('changesSince appends the planted change with its actor; csv refuses it; bad ids are 422/404 problems', async () => {
  await admin.patchObject(
    fixture.emulated.azureTenantId,
    'deviceConfiguration',
    fixture.profileId,
    { passwordMinimumLength: 14 },
    ACTOR,
  );
  const run = await runToCompletion(stack, fixture.tenantId, fixture.scheduleId);
  expect(run.status).toBe('succeeded');
  const md = await documentation(run.backupSetId as string, `format=md&changesSince=${fixture.firstSetId}`);
  expect(md.status).toBe(200);
  const appendix = md.text.slice(md.text.indexOf('## Appendix: changes since'));
  expect(appendix).toContain('### Password rules (Device configuration profiles): modified');
  expect(appendix).toMatch(new RegExp(`Changed by: ${ACTOR.replaceAll('.', '\\.')}`));
  expect(appendix).toContain('| Password minimum length | replace | 12 | 14 | `/passwordMinimumLength` |');

  const csv = await documentation(run.backupSetId as string, `format=csv&changesSince=${fixture.firstSetId}`);
  expect([csv.status, csv.contentType]).toEqual([422, 'application/problem+json; charset=utf-8']);
  expect(JSON.parse(csv.text).errors[0].field).toBe('changesSince');
  const foreign = await documentation(fixture.firstSetId, `format=md&changesSince=${randomUUID()}`);
  expect(foreign.status).toBe(422);
  expect(JSON.parse(foreign.text).errors[0].field).toBe('changesSince');
  expect((await documentation(randomUUID(), 'format=md')).status).toBe(404);
  expect((await documentation(fixture.firstSetId, 'format=pdf')).status).toBe(422);
});

test('a readonly caller sees no script body, only that it is withheld', async () => {
  const readonly = await stack.userWithRole('readonly', fixture.tenantId);
  for (const format of ['md', 'csv', 'html']) {
    const doc = await documentation(fixture.firstSetId, `format=${format}`, readonly.token);
    expect(doc.status).toBe(200);
    expect(doc.text).not.toContain(SCRIPT_CONTENT);
    expect(doc.text).toContain('scripts:read');
  }
});

// jsdom's types pull the DOM library into every file's globals (and break other files' fetch
// types): it is imported by a name TypeScript does not resolve, with the little this test reads.
const JSDOM_MODULE = 'jsdom';
interface Queryable {
  querySelectorAll(selector: string): { length: number };
  querySelector(selector: string): { textContent: string | null } | null;
}

test('the HTML page renders in headless Chromium with no errors and no request beyond itself', async () => {
  const url = `${stack.apiUrl}/v1/tenants/${fixture.tenantId}/backup-sets/${fixture.firstSetId}/documentation?format=html`;
  const html = await documentation(fixture.firstSetId, 'format=html');
  expect(html.contentType).toBe('text/html; charset=utf-8');
  const chromium = findChromium();
  if (!chromium) {
    if (process.env.CI) throw new Error('CI needs chromium (CHROMIUM_PATH or chromium on PATH)');
    const { JSDOM } = (await import(JSDOM_MODULE)) as {
      JSDOM: new (html: string) => { window: { document: Queryable } };
    };
    const document = new JSDOM(html.text).window.document;
    expect(document.querySelectorAll('script, link, img, iframe, object, embed').length).toBe(0);
    expect(document.querySelector('style')?.textContent).toContain('@media print');
    expect(document.querySelector('h1')?.textContent).toContain('As-built documentation');
    expect(html.text.trimEnd().endsWith('</html>')).toBe(true);
    console.log('HTML documentation checked with jsdom only: the Chromium render needs chromium');
    return;
  }
  const browser = await launchChromium(chromium);
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${String(error)}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${stack.token}` });
    await page.setViewport({ width: 1200, height: 900 });
    const response = await page.goto(url, { waitUntil: 'networkidle0' });
    expect(response?.status()).toBe(200);
    expect(await page.$eval('h1', (h1) => h1.textContent)).toContain('As-built documentation');
    expect(await page.$$eval('script', (scripts) => scripts.length)).toBe(0);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    const dir = resolve('test-output');
    mkdirSync(dir, { recursive: true });
    const screenshot = join(dir, 'asbuilt-documentation.png');
    await page.screenshot({ path: screenshot, fullPage: false });
    console.log(`HTML documentation screenshot: ${screenshot}`);
  } finally {
    await browser.close();
  }
}, 60_000);
