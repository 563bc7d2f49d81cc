import { Rng } from '../prng';
import type { GraphJson } from '../types';

// A tenant's Entra directory as far as Intune and Conditional Access objects point into it:
// groups (assignment targets, RBAC members and scopes, CA exclusions), users and service
// principals (CA conditions). Not registry types: nobody backs them up, but every reference to
// them must resolve (`/groups/{id}`, `/directoryObjects/getByIds`; ./index.ts serves them). Everything is derived from
// the tenant label, so generators derive the id of "the k-th group" without building it.

export type DirectoryKind = 'groups' | 'users' | 'servicePrincipals';

/** Objects per tenant: the group pool is large enough for 80 distinct assignments of one policy. */
export const DIRECTORY_SIZE: Readonly<Record<DirectoryKind, number>> = {
  groups: 120,
  users: 40,
  servicePrincipals: 20,
};

const ODATA_TYPE: Readonly<Record<DirectoryKind, string>> = {
  groups: '#microsoft.graph.group',
  users: '#microsoft.graph.user',
  servicePrincipals: '#microsoft.graph.servicePrincipal',
};

/** getByIds `types` names (case-insensitive on Graph) of each kind. */
export const DIRECTORY_TYPE_NAMES: Readonly<Record<DirectoryKind, string>> = {
  groups: 'group',
  users: 'user',
  servicePrincipals: 'servicePrincipal',
};

const SEED: Readonly<Record<DirectoryKind, string>> = {
  // `group` is the seed the assignment generators have always used (generators/common.ts).
  groups: 'group',
  users: 'user',
  servicePrincipals: 'servicePrincipal',
};

/** The id of the k-th object of a kind in the tenant's directory (k wraps around the size). */
export function directoryId(tenantLabel: string, kind: DirectoryKind, k: number): string {
  const index = ((k % DIRECTORY_SIZE[kind]) + DIRECTORY_SIZE[kind]) % DIRECTORY_SIZE[kind];
  return new Rng(`${tenantLabel}:${SEED[kind]}:${index}`).guid();
}

/** The appId of the k-th service principal (CA `includeApplications` names apps by appId). */
export function servicePrincipalAppId(tenantLabel: string, k: number): string {
  return new Rng(`${tenantLabel}:appId:${k % DIRECTORY_SIZE.servicePrincipals}`).guid();
}

const TEAMS = ['Finance', 'HR', 'Sales', 'Engineering', 'Marketing', 'Legal', 'Operations', 'Support', 'IT'];
const DEVICE_KINDS = ['Windows devices', 'macOS devices', 'iOS devices', 'Android devices', 'Kiosks'];
const GIVEN = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elif', 'Finn', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kai', 'Lena'];
const SURNAMES = ['Adams', 'Berg', 'Costa', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ivanova'];
const APPS = ['Payroll sync', 'HR connector', 'Backup agent', 'SIEM export', 'Ticketing', 'Build pipeline'];

function group(tenantLabel: string, k: number, id: string): GraphJson {
  const rng = new Rng(`${tenantLabel}:group-body:${k}`);
  const team = rng.pick(TEAMS);
  const roll = rng.next();
  // About a third dynamic device or user groups, a sixth Microsoft 365 groups, the rest assigned
  // security groups, a quarter of which are synced from on-premises AD.
  const dynamic = roll < 0.35;
  const unified = !dynamic && roll < 0.5;
  const synced = !dynamic && !unified && rng.bool(0.25);
  const devices = dynamic && rng.bool(0.6);
  const nickname = `${team.toLowerCase()}-${k}`;
  const displayName = dynamic
    ? `DYN - ${team} - ${devices ? rng.pick(DEVICE_KINDS) : 'Users'} ${k}`
    : unified
      ? `${team} team ${k}`
      : `SG - ${team} - ${rng.pick(['Pilot', 'Broad', 'VIP', 'Exclusions', 'Contractors'])} ${k}`;
  return {
    '@odata.type': ODATA_TYPE.groups,
    id,
    displayName,
    description: rng.bool(0.3) ? null : `${team} ${dynamic ? 'dynamic membership' : 'members'}`,
    groupTypes: [...(unified ? ['Unified'] : []), ...(dynamic ? ['DynamicMembership'] : [])],
    membershipRule: dynamic
      ? devices
        ? `(device.deviceOSType -eq "Windows") and (device.devicePhysicalIds -any (_ -eq "[OrderID]:${team}"))`
        : `(user.department -eq "${team}") and (user.accountEnabled -eq true)`
      : null,
    membershipRuleProcessingState: dynamic ? rng.pick(['On', 'On', 'Paused']) : null,
    securityEnabled: !unified || rng.bool(0.3),
    mailEnabled: unified,
    mailNickname: nickname,
    mail: unified ? `${nickname}@contoso.example` : null,
    onPremisesSyncEnabled: synced ? true : null,
    onPremisesLastSyncDateTime: synced ? rng.timestamp('2025-10-01T00:00:00Z', '2025-11-01T00:00:00Z') : null,
    visibility: unified ? 'Private' : null,
    createdDateTime: rng.timestamp('2019-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  };
}

function user(tenantLabel: string, k: number, id: string): GraphJson {
  const rng = new Rng(`${tenantLabel}:user-body:${k}`);
  const given = rng.pick(GIVEN);
  const surname = rng.pick(SURNAMES);
  const upn = `${given}.${surname}${k}@contoso.example`.toLowerCase();
  return {
    '@odata.type': ODATA_TYPE.users,
    id,
    displayName: `${given} ${surname}`,
    givenName: given,
    surname,
    userPrincipalName: upn,
    mail: upn,
    jobTitle: k < 4 ? 'Break-glass account' : rng.pick(['Engineer', 'Analyst', 'Manager', 'Administrator']),
    accountEnabled: true,
    userType: 'Member',
  };
}

function servicePrincipal(tenantLabel: string, k: number, id: string): GraphJson {
  const rng = new Rng(`${tenantLabel}:sp-body:${k}`);
  return {
    '@odata.type': ODATA_TYPE.servicePrincipals,
    id,
    appId: servicePrincipalAppId(tenantLabel, k),
    displayName: `${rng.pick(APPS)} ${k}`,
    servicePrincipalType: 'Application',
    accountEnabled: true,
    appOwnerOrganizationId: new Rng(`${tenantLabel}:owner`).guid(),
    tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
  };
}

/** The directory kinds' objects, by kind. */
export const BUILD_DIRECTORY: Readonly<
  Record<DirectoryKind, (tenantLabel: string, k: number, id: string) => GraphJson>
> = {
  groups: group,
  users: user,
  servicePrincipals: servicePrincipal,
};
