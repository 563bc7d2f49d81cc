// Every change made through the emulator's admin API is in the tenant's audit logs: Intune
// objects in /deviceManagement/auditEvents after the seeded history, Conditional Access and
// named locations in /auditLogs/directoryAudits (AuditLog.Read.All); paged, filtered by time.
import { mutateTenant, plantPolicy } from '../../src/emulator/adminApi';
import { patchObject } from '../../src/emulator/adminObjects';
import { AUDIT_EVENT_COUNT } from '../../src/emulator/auditEvents';
import { TenantStore } from '../../src/emulator/tenantStore';
import { CA_ID, CATALOG_ID, exactChangeSeed, serveAll, serveGet } from '../support/exactChangeSeed';

type Json = Record<string, unknown>;
const EVENTS = '/v1.0/deviceManagement/auditEvents';
const DIRECTORY = '/v1.0/auditLogs/directoryAudits';
const APP_ID = 'abcdef00-1111-4222-8333-444455556666';

function seeded() {
  const store = new TenantStore();
  return { store, tenant: store.add(exactChangeSeed()) };
}

const filtered = (path: string, filter: string) => `${path}?$filter=${encodeURIComponent(filter)}`;
const resourceIds = (events: Json[]) => events.map((e) => (e.resources as Json[])[0]?.resourceId);

describe('Intune audit events of admin API changes', () => {
  test('patch, plant and mutate each log an event naming the object and the actor', () => {
    const { store, tenant } = seeded();
    const since = new Date().toISOString();
    patchObject(tenant, 'settingsCatalog', CATALOG_ID, { name: 'Renamed' }, 'merge', 'alice@contoso.example');
    plantPolicy(tenant, {
      type: 'scopeTags',
      object: { id: '7', displayName: 'Planted tag' },
      actor: APP_ID,
    });
    const mutated = mutateTenant(tenant, { add: 1, types: ['powershellScripts'] });

    const all = serveAll(store, tenant, EVENTS);
    expect(all).toHaveLength(AUDIT_EVENT_COUNT + 3);
    const ours = all.slice(AUDIT_EVENT_COUNT);
    expect(resourceIds(ours)).toEqual([CATALOG_ID, '7', mutated.added.powershellScripts?.[0]]);
    expect(ours[0]).toMatchObject({
      activityOperationType: 'Patch',
      activity: 'Patch deviceManagementConfigurationPolicy',
      activityResult: 'Success',
      actor: { type: 'ItPro', userPrincipalName: 'alice@contoso.example' },
      resources: [
        { resourceId: CATALOG_ID, displayName: 'Renamed', type: 'deviceManagementConfigurationPolicy' },
      ],
    });
    expect(ours[1]).toMatchObject({
      activityOperationType: 'Create',
      category: 'Role',
      actor: { type: 'Application', applicationId: APP_ID, userPrincipalName: null },
      resources: [{ resourceId: '7', displayName: 'Planted tag' }],
    });
    // No actor given: one of the tenant's first directory users, a user that exists.
    const generated = ((ours[2] as Json).actor as Json).userPrincipalName as string;
    const users = serveAll(store, tenant, '/v1.0/users').slice(0, 3);
    expect(users.map((u) => u.userPrincipalName)).toContain(generated);
    for (const event of ours)
      expect(Date.parse(event.activityDateTime as string)).toBeGreaterThanOrEqual(Date.parse(since));
  });

  test('a removal is a Delete event with the name the object had', () => {
    const { store, tenant } = seeded();
    const { removed } = mutateTenant(tenant, { remove: 1, types: ['settingsCatalog'] });
    expect(removed.settingsCatalog).toEqual([CATALOG_ID]);
    const [event] = serveAll(store, tenant, EVENTS).slice(AUDIT_EVENT_COUNT);
    expect(event).toMatchObject({
      activityOperationType: 'Delete',
      resources: [{ resourceId: CATALOG_ID, displayName: 'Baseline' }],
    });
  });

  test('served with paging and $filter on activityDateTime (ge, gt, le, lt, and)', () => {
    const { store, tenant } = seeded();
    const start = new Date().toISOString();
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      patchObject(tenant, 'settingsCatalog', CATALOG_ID, { name });
    const end = new Date(Date.now() + 1).toISOString();
    const window = filtered(EVENTS, `activityDateTime ge ${start} and activityDateTime lt ${end}`);
    const inWindow = serveAll(store, tenant, `${window}&$top=2`);
    const mine = inWindow.filter((e) => resourceIds([e])[0] === CATALOG_ID);
    expect(mine.map((e) => (e.resources as Json[])[0]?.displayName)).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const e of inWindow) {
      const time = Date.parse(e.activityDateTime as string);
      expect(time >= Date.parse(start) && time < Date.parse(end)).toBe(true);
    }
    const firstPage = serveGet(store, tenant, `${window}&$top=2`).body;
    expect(firstPage.value).toHaveLength(2);
    expect(firstPage['@odata.nextLink']).toContain('$filter=');

    const before = serveAll(store, tenant, filtered(EVENTS, `activityDateTime lt ${start}`));
    expect(resourceIds(before)).not.toContain(CATALOG_ID);
    const afterEnd = serveAll(store, tenant, filtered(EVENTS, `activityDateTime gt ${end}`));
    expect(resourceIds(afterEnd)).not.toContain(CATALOG_ID);
    const upToEnd = serveAll(store, tenant, filtered(EVENTS, `activityDateTime le ${end}`));
    expect(resourceIds(upToEnd).filter((id) => id === CATALOG_ID)).toHaveLength(5);
  });
});

describe('directory audits of Conditional Access changes', () => {
  test('a CA patch is in the directory audit log, not in Intune', () => {
    const { store, tenant } = seeded();
    const since = new Date().toISOString();
    patchObject(
      tenant,
      'conditionalAccessPolicies',
      CA_ID,
      { state: 'disabled' },
      'merge',
      'bob@contoso.example',
    );
    const audits = serveAll(store, tenant, filtered(DIRECTORY, `activityDateTime ge ${since}`));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      category: 'Policy',
      activityDisplayName: 'Update conditional access policy',
      result: 'success',
      initiatedBy: { user: { userPrincipalName: 'bob@contoso.example' }, app: null },
      targetResources: [{ id: CA_ID, displayName: 'Require MFA', type: 'Policy' }],
    });
    expect(serveGet(store, tenant, `${DIRECTORY}/${audits[0]?.id}`).body.id).toBe(audits[0]?.id);
    expect(serveAll(store, tenant, EVENTS)).toHaveLength(AUDIT_EVENT_COUNT);
    expect(serveAll(store, tenant, filtered(DIRECTORY, `activityDateTime lt ${since}`))).toHaveLength(0);
    expect(serveGet(store, tenant, filtered(DIRECTORY, 'activityDateTime ge yesterday')).status).toBe(400);
  });

  test('an application actor, on beta too', () => {
    const { store, tenant } = seeded();
    mutateTenant(tenant, { modify: 1, types: ['conditionalAccessPolicies'], actor: APP_ID });
    const [audit] = serveAll(store, tenant, '/beta/auditLogs/directoryAudits');
    expect(audit).toMatchObject({
      activityDisplayName: 'Update conditional access policy',
      initiatedBy: { user: null, app: { appId: APP_ID } },
      targetResources: [{ id: CA_ID }],
    });
  });

  test('without AuditLog.Read.All the directory audit log answers 403', () => {
    const { store, tenant } = seeded();
    tenant.grantedPermissions = tenant.grantedPermissions.filter((p) => p !== 'AuditLog.Read.All');
    const reply = serveGet(store, tenant, DIRECTORY);
    expect(reply.status).toBe(403);
    expect(JSON.stringify(reply.body)).toContain('AuditLog.Read.All');
    expect(serveGet(store, tenant, EVENTS).status).toBe(200);
  });
});
