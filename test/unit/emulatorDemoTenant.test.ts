// Every group and notification template the demo tenant's hand-written policies name exists in
// its emulated tenant: otherwise a dev backup reports them missing and a dev restore with
// assignments is blocked as missing_reference (docs/restore.md, "Trying it in npm run dev").
import { demoTenantSeed } from '../../src/emulator';
import { type GraphCall, serveCall } from '../../src/emulator/graphApi';
import { TenantStore } from '../../src/emulator/tenantStore';

const NO_TEMPLATE = '00000000-0000-0000-0000-000000000000';

function demo() {
  const store = new TenantStore();
  const seed = demoTenantSeed();
  const tenant = store.add(seed);
  const get = (path: string) => {
    const url = new URL(`https://emulator.test${path}`);
    const [version, ...segments] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const call: GraphCall = { method: 'GET', url, version: version as 'beta', segments };
    return serveCall(call, { store, tenant, defaultPageSize: 100 });
  };
  return { seed, get };
}

test('the groups the demo policies are assigned to are groups of its directory', () => {
  const { seed, get } = demo();
  const policies = Object.values(seed.policies).flat();
  const groupIds = policies.flatMap((policy) =>
    (policy.assignments ?? []).flatMap((assignment) => {
      const groupId = (assignment.target as { groupId?: string }).groupId;
      return groupId ? [groupId] : [];
    }),
  );
  expect(new Set(groupIds).size).toBe(5);
  for (const groupId of groupIds)
    expect([groupId, get(`/v1.0/groups/${groupId}`).status]).toEqual([groupId, 200]);
});

test('the notification templates the demo compliance policies send exist', () => {
  const { seed, get } = demo();
  const templateIds = (seed.policies.compliance ?? [])
    .flatMap((policy) => policy.scheduledActionsForRule ?? [])
    .flatMap((rule) => rule.scheduledActionConfigurations as { notificationTemplateId: string }[])
    .map((action) => action.notificationTemplateId)
    .filter((id) => id !== NO_TEMPLATE);
  expect(templateIds.length).toBeGreaterThan(0);
  for (const id of templateIds) {
    const reply = get(`/beta/deviceManagement/notificationMessageTemplates/${id}`);
    expect([id, reply.status]).toEqual([id, 200]);
  }
});
