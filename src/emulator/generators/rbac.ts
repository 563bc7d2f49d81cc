import { Rng } from '../prng';
import { assignments, description, groupId, leaf, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Scope tags, Intune role definitions (with their role assignments) and notification templates.

export const scopeTagsGenerator: PolicyGenerator = {
  weight: 3,
  // Scope tag ids are small integers; "0" is the built-in Default tag every tenant has and Graph
  // lists: the first scope tag of a generated tenant (typeMix gives every type at least one).
  idFor: (index) => String(index),
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    if (ctx.index === 0) {
      return {
        object: { id: '0', displayName: 'Default', description: 'Default scope tag', isBuiltIn: true },
        lists: { assignments: [] },
      };
    }
    return {
      object: {
        id: ctx.id,
        displayName: policyName(rng, 'TAG', 'Scope', ctx.index),
        description: description(rng, `Scope tag, revision ${ctx.revision}.`) ?? '',
        isBuiltIn: false,
      },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};

const ACTIONS = [
  'Microsoft.Intune_DeviceConfigurations_Read',
  'Microsoft.Intune_DeviceConfigurations_Create',
  'Microsoft.Intune_DeviceConfigurations_Update',
  'Microsoft.Intune_DeviceConfigurations_Assign',
  'Microsoft.Intune_DeviceCompliancePolices_Read',
  'Microsoft.Intune_ManagedDevices_Read',
  'Microsoft.Intune_ManagedDevices_Update',
  'Microsoft.Intune_RemoteTasks_Reboot',
  'Microsoft.Intune_RemoteTasks_SyncDevice',
  'Microsoft.Intune_MobileApps_Read',
  'Microsoft.Intune_Audit_Read',
  'Microsoft.Intune_Organization_Read',
];

export const roleDefinitionsGenerator: PolicyGenerator = {
  weight: 2,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const allowed = rng.sample(ACTIONS, rng.int(2, ACTIONS.length - (ctx.revision % 2)));
    return {
      object: {
        '@odata.type': '#microsoft.graph.deviceAndAppManagementRoleDefinition',
        id: ctx.id,
        displayName: policyName(rng, 'RBAC', 'Role', ctx.index),
        description: description(rng, 'Custom Intune role.') ?? '',
        isBuiltIn: false,
        isBuiltInRoleDefinition: false,
        roleScopeTagIds: scopeTagIds(rng, ctx),
        permissions: [
          {
            actions: allowed,
            resourceActions: [{ allowedResourceActions: allowed, notAllowedResourceActions: [] }],
          },
        ],
        rolePermissions: [
          {
            actions: allowed,
            resourceActions: [{ allowedResourceActions: allowed, notAllowedResourceActions: [] }],
          },
        ],
      },
      lists: {
        roleAssignments: Array.from({ length: rng.int(0, 3) }, (_, i) =>
          leaf({
            '@odata.type': '#microsoft.graph.deviceAndAppManagementRoleAssignment',
            id: new Rng(`${ctx.label}:roleAssignment:${i}`).guid(),
            displayName: `Helpdesk ${i + 1}`,
            description: '',
            scopeMembers: [],
            scopeType: rng.pick(['resourceScope', 'allDevices', 'allLicensedUsers']),
            resourceScopes: [groupId(ctx.tenantLabel, rng)],
            members: [groupId(ctx.tenantLabel, rng)],
            roleScopeTagIds: ['0'],
          }),
        ),
      },
    };
  },
};

const LOCALES = ['en-us', 'de-de', 'fr-fr', 'es-es', 'nl-nl', 'ja-jp'];

export const notificationTemplatesGenerator: PolicyGenerator = {
  weight: 2,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const locales = rng.sample(LOCALES, rng.int(1, 3));
    const defaultLocale = locales[0] ?? 'en-us';
    return {
      object: {
        id: ctx.id,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        displayName: policyName(rng, 'NTF', 'Non-compliance email', ctx.index),
        description: description(rng, 'Sent when a device becomes non-compliant.') ?? '',
        defaultLocale,
        brandingOptions: ['includeCompanyLogo', 'includeCompanyName', 'includeContactInformation']
          .slice(0, 1 + ((rng.int(0, 2) + ctx.revision) % 3))
          .join(','),
        roleScopeTagIds: scopeTagIds(rng, ctx),
      },
      lists: {
        localizedNotificationMessages: locales.map((locale) =>
          leaf({
            id: `${ctx.id}_${locale}`,
            lastModifiedDateTime: ctx.lastModifiedDateTime,
            locale,
            subject: 'Your device is not compliant',
            messageTemplate:
              'Your device no longer meets the company security requirements. Open Company Portal to fix it within 24 hours.',
            isDefault: locale === defaultLocale,
          }),
        ),
      },
    };
  },
};
