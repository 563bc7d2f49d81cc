// bench:restore (issue 17): a restored role definition's assignments are posted bound to the
// definition by URL. Graph takes the key in parentheses or as a path segment; the emulator took
// only the first, so every assignment the restore recipe posts was refused 400.
import { randomUUID } from 'node:crypto';
import { listOf } from '../../src/emulator/tenantObjects';
import { TenantStore } from '../../src/emulator/tenantStore';
import { createRoleAssignment } from '../../src/emulator/writes/roleAssignments';
import { subResourceSteps } from '../../src/restore/subResources';
import type { GraphJson } from '../../src/restore/types';

const store = new TenantStore();
const tenant = store.addGenerated({
  azureTenantId: 'a0000000-0000-4000-8000-00000000a017',
  clientId: randomUUID(),
  clientSecret: 'secret',
  policies: 400,
});
/** A generated custom role with assignments (members and scopes are groups of the directory). */
const role = tenant.objects
  .all('roleDefinitions')
  .map((record) => tenant.objects.node('roleDefinitions', record))
  .find((node) => node.object.isBuiltIn === false && listOf(node, 'roleAssignments').length > 0);

describe('POST /deviceManagement/roleAssignments (emulator)', () => {
  const roleId = String(role?.object.id);
  const assignmentsNow = () => {
    const record = tenant.objects.find('roleDefinitions', roleId);
    if (record === undefined) throw new Error(roleId);
    return listOf(tenant.objects.node('roleDefinitions', record), 'roleAssignments').length;
  };

  it('takes the bodies the restore recipe posts (definition bound as a path segment)', () => {
    expect(role).toBeDefined();
    const backup = {
      ...role?.object,
      roleAssignments: listOf(role ?? { object: {} }, 'roleAssignments').map((node) => node.object),
    } as GraphJson;
    const [step] = subResourceSteps('roleAssignments', {
      type: 'roleDefinitions',
      family: 'intune',
      objectPath: `/deviceManagement/roleDefinitions/${roleId}`,
      action: 'create',
      backup,
      live: null,
    });
    if (step?.kind !== 'ensureEach') throw new Error('roleAssignments is one ensureEach step');
    const before = assignmentsNow();
    for (const body of step.bodies) expect(createRoleAssignment(tenant, body).status).toBe(201);
    expect(assignmentsNow()).toBe(before + step.bodies.length);
  });

  it('binds by key in parentheses too, and refuses a definition that does not exist', () => {
    const bind = (key: string) => ({
      displayName: 'Bound',
      'roleDefinition@odata.bind': `https://graph.microsoft.com/beta/deviceManagement/roleDefinitions${key}`,
    });
    expect(createRoleAssignment(tenant, bind(`('${roleId}')`)).status).toBe(201);
    expect(createRoleAssignment(tenant, bind(`/${randomUUID()}`)).status).toBe(400);
    expect(createRoleAssignment(tenant, bind(`('${randomUUID()}')`)).status).toBe(400);
    expect(createRoleAssignment(tenant, bind('')).status).toBe(400);
  });
});
