// Who may do what. Every route names one permission in the route table (./routeTable.ts), and
// ./authorize.ts is the only place that checks it. A tenant role grants the tenant permissions
// listed for it below; a platform admin holds every permission in every tenant.
import type { TenantRole } from '../db/client';

/** From least to most: each role can do what the one before it can, and more. */
export const TENANT_ROLES = [
  'readonly',
  'operator',
  'manager',
  'owner',
] as const satisfies readonly TenantRole[];

export const TENANT_PERMISSIONS = [
  'tenant:read',
  'scripts:read',
  'tenant:run',
  'schedules:write',
  'notifications:manage',
  'restores:manage',
  'connection:test',
  'tenant:admin',
] as const;
export type TenantPermission = (typeof TENANT_PERMISSIONS)[number];

export type Permission =
  /** No token needed. */
  | 'public'
  /** Any valid token. */
  | 'authenticated'
  /** The `:userId` of the path is the caller, or the caller is a platform admin. */
  | 'self-or-admin'
  | 'platform:admin'
  /** In the `:tenantId` of the path. */
  | TenantPermission;

// `notifications:manage` guards reads too: a channel names where alerts go (webhook URLs, e-mail
// addresses), which readers and operators do not need.
// `scripts:read` guards no route of its own: the items route shows script payloads only to
// callers who hold it (script bodies often carry credentials), and withholds them from the rest.
// Each role holds everything of the role below it, and what is listed beside it.
const READONLY: readonly TenantPermission[] = ['tenant:read'];
const OPERATOR: readonly TenantPermission[] = [...READONLY, 'scripts:read', 'tenant:run'];
const MANAGER: readonly TenantPermission[] = [
  ...OPERATOR,
  'schedules:write',
  'notifications:manage',
  'restores:manage',
  'connection:test',
];
const OWNER: readonly TenantPermission[] = [...MANAGER, 'tenant:admin'];

export const ROLE_PERMISSIONS: Record<TenantRole, readonly TenantPermission[]> = {
  readonly: READONLY,
  operator: OPERATOR,
  manager: MANAGER,
  owner: OWNER,
};

const MEANING: Record<Permission, string> = {
  public: 'no token needed',
  authenticated: 'any valid token',
  'self-or-admin': 'the user named in the path, or a platform admin',
  'platform:admin': 'platform admins only',
  'tenant:read': 'read the tenant',
  'scripts:read': 'read the payloads of script policy types, which can hold credentials',
  'tenant:run': 'run and retry backups',
  'schedules:write': 'create, change and delete schedules',
  'notifications:manage':
    'see and manage notification channels, their deliveries and baseline subscriptions (channels name endpoints and recipients)',
  'restores:manage':
    'plan, approve, apply and cancel restores, which write to the tenant through Graph once an owner enabled restore',
  'connection:test':
    "test the tenant's Graph credentials: a token and one read per policy type (an audit row, nothing else)",
  'tenant:admin': 'tenant settings, Graph credentials and members',
};

export function isTenantPermission(permission: Permission): permission is TenantPermission {
  return (TENANT_PERMISSIONS as readonly string[]).includes(permission);
}

/** Whether a member with `role` holds `permission` (platform admins hold all of them). */
export function roleGrants(role: TenantRole, permission: TenantPermission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Whether an authenticated caller can ever be refused with 403 (rather than 404) here. */
export function canBeForbidden(permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return false;
  // Every member can read; a caller who is no member gets 404, not 403.
  if (isTenantPermission(permission)) return TENANT_ROLES.some((role) => !roleGrants(role, permission));
  return true;
}

/** For the reference: "`tenant:run` (run and retry backups): roles operator, manager, owner in the tenant, and platform admins". */
export function describePermission(permission: Permission): string {
  if (!isTenantPermission(permission)) return `\`${permission}\`: ${MEANING[permission]}`;
  const roles = TENANT_ROLES.filter((role) => roleGrants(role, permission));
  const who = `${roles.length > 1 ? 'roles' : 'role'} ${roles.join(', ')} in the tenant, and platform admins`;
  return `\`${permission}\` (${MEANING[permission]}): ${who}`;
}
