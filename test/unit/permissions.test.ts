// The role model as the product defines it, and the route table's use of it: every route in a
// tenant needs a tenant permission, and nothing else does.
import {
  canBeForbidden,
  isTenantPermission,
  ROLE_PERMISSIONS,
  roleGrants,
  TENANT_ROLES,
} from '../../src/api/permissions';
import { tenantParamOf } from '../../src/api/authorize';
import { operations, problemStatuses } from '../../src/api/routeTable';

test('each role can do what the one below it can, and the roles grant what the product says', () => {
  expect(ROLE_PERMISSIONS).toEqual({
    readonly: ['tenant:read'],
    // Script payloads can hold credentials: operators and up read them, readonly members do not.
    operator: ['tenant:read', 'scripts:read', 'tenant:run'],
    // Channels name where alerts go (endpoints, addresses): managers and owners only.
    // Restores write to the tenant through Graph: managers and owners plan and apply them.
    manager: [
      'tenant:read',
      'scripts:read',
      'tenant:run',
      'schedules:write',
      'notifications:manage',
      'restores:manage',
      // Testing the Graph connection reads the tenant with its credentials, as restores do.
      'connection:test',
    ],
    owner: [
      'tenant:read',
      'scripts:read',
      'tenant:run',
      'schedules:write',
      'notifications:manage',
      'restores:manage',
      'connection:test',
      'tenant:admin',
    ],
  });
  TENANT_ROLES.slice(1).forEach((role, index) => {
    const below = TENANT_ROLES[index]!;
    for (const permission of ROLE_PERMISSIONS[below])
      expect([role, roleGrants(role, permission)]).toEqual([role, true]);
  });
});

test("the routes in a tenant (a :tenantId, or a :baselineId that names the tenant's baseline), and only they, need a tenant permission (or are for platform admins only)", () => {
  for (const op of operations) {
    const where = `${op.method.toUpperCase()} ${op.path}`;
    // Offboarding a tenant (DELETE /v1/tenants/:tenantId) is no member's to do, owners' included.
    const inTenant = isTenantPermission(op.permission) || op.operationId === 'offboardTenant';
    expect([where, inTenant]).toEqual([where, tenantParamOf(op.path) !== undefined]);
    if (op.permission === 'self-or-admin')
      expect([where, op.path]).toEqual([where, expect.stringContaining('/:userId')]);
  }
});

test('what each role may do, route by route, as the product names it', () => {
  const byId = Object.fromEntries(operations.map((op) => [op.operationId, op.permission]));
  expect(byId).toMatchObject({
    getTenant: 'tenant:read',
    listRuns: 'tenant:read',
    getBaseline: 'tenant:read',
    compareWithBaseline: 'tenant:read',
    deleteBaseline: 'schedules:write',
    setBaselineMappings: 'schedules:write',
    listBackupSetItems: 'tenant:read',
    listBackupSetChanges: 'tenant:read',
    listAuditLogs: 'tenant:read',
    runBackupSchedule: 'tenant:run',
    retryRun: 'tenant:run',
    bulkBackupSchedules: 'tenant:run',
    createBackupSchedule: 'schedules:write',
    updateBackupSchedule: 'schedules:write',
    deleteBackupSchedule: 'schedules:write',
    updateTenant: 'tenant:admin',
    testTenantConnection: 'connection:test',
    addMember: 'tenant:admin',
    setMember: 'tenant:admin',
    removeMember: 'tenant:admin',
    createTenant: 'platform:admin',
    offboardTenant: 'platform:admin',
    createUser: 'platform:admin',
    issueApiToken: 'self-or-admin',
    revokeApiToken: 'self-or-admin',
    revokeAllApiTokens: 'self-or-admin',
    getMe: 'authenticated',
    listUsers: 'platform:admin',
    deactivateUser: 'platform:admin',
    reactivateUser: 'platform:admin',
    grantPlatformAdmin: 'platform:admin',
    removePlatformAdmin: 'platform:admin',
    listTenants: 'authenticated',
    listNotifications: 'authenticated',
    getHealth: 'public',
    listNotificationChannels: 'notifications:manage',
    createNotificationChannel: 'notifications:manage',
    testNotificationChannel: 'notifications:manage',
    replayNotificationDelivery: 'notifications:manage',
    listPlatformNotificationChannels: 'platform:admin',
    createPlatformNotificationChannel: 'platform:admin',
    rotatePlatformNotificationChannelSecret: 'platform:admin',
    subscribeToBaseline: 'notifications:manage',
    listBaselineSubscriptions: 'notifications:manage',
    getTenantStatus: 'tenant:read',
    listTenantStatuses: 'authenticated',
  });
});

test('403 is documented exactly where a caller can hold too little', () => {
  for (const op of operations) {
    const where = `${op.method.toUpperCase()} ${op.path}`;
    expect([where, problemStatuses(op).includes(403)]).toEqual([where, canBeForbidden(op.permission)]);
  }
  expect(canBeForbidden('tenant:read')).toBe(false);
  expect(canBeForbidden('tenant:run')).toBe(true);
});
