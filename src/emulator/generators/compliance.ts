import { Rng } from '../prng';
import type { EmulatorNode, GraphJson } from '../types';
import { assignments, description, leaf, policyName, scopeTagIds, type TenantRefs } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Compliance policies; the non-compliance actions are navigations Graph inlines only when
// expanded: the rules (`scheduledActionsForRule`), and the actions of each rule
// (`scheduledActionConfigurations`, `$expand=scheduledActionsForRule($expand=…)`), so both are
// lists, never part of the object.

const VARIANTS: readonly { prefix: string; fields: (rng: Rng, revision: number) => GraphJson }[] = [
  {
    prefix: 'WIN',
    fields: (rng, revision) => ({
      '@odata.type': '#microsoft.graph.windows10CompliancePolicy',
      passwordRequired: true,
      passwordMinimumLength: 8 + ((rng.int(0, 6) + revision) % 20),
      osMinimumVersion: rng.pick(['10.0.19045', '10.0.22621', '10.0.26100']),
      bitLockerEnabled: true,
      secureBootEnabled: rng.bool(0.9),
      codeIntegrityEnabled: rng.bool(0.9),
      defenderEnabled: true,
      rtpEnabled: true,
      deviceThreatProtectionEnabled: rng.bool(0.3),
      deviceThreatProtectionRequiredSecurityLevel: 'unavailable',
      validOperatingSystemBuildRanges: [],
    }),
  },
  {
    prefix: 'IOS',
    fields: (rng, revision) => ({
      '@odata.type': '#microsoft.graph.iosCompliancePolicy',
      passcodeRequired: true,
      passcodeMinimumLength: 4 + ((rng.int(0, 4) + revision) % 12),
      osMinimumVersion: rng.pick(['16.0', '17.0', '18.0']),
      securityBlockJailbrokenDevices: true,
      deviceThreatProtectionEnabled: false,
      managedEmailProfileRequired: false,
      restrictedApps: [],
    }),
  },
  {
    prefix: 'AND',
    fields: (rng, revision) => ({
      '@odata.type': '#microsoft.graph.androidWorkProfileCompliancePolicy',
      passwordRequired: true,
      passwordMinimumLength: 4 + ((rng.int(0, 4) + revision) % 12),
      passwordRequiredType: 'numericComplex',
      securityBlockJailbrokenDevices: true,
      securityRequireSafetyNetAttestationBasicIntegrity: true,
      securityRequireSafetyNetAttestationCertifiedDevice: rng.bool(0.6),
      osMinimumVersion: rng.pick(['12.0', '13.0', '14.0']),
      storageRequireEncryption: true,
    }),
  },
  {
    prefix: 'MAC',
    fields: (rng, revision) => ({
      '@odata.type': '#microsoft.graph.macOSCompliancePolicy',
      passwordRequired: true,
      passwordMinimumLength: 8 + ((rng.int(0, 6) + revision) % 20),
      osMinimumVersion: rng.pick(['13.0', '14.0', '15.0']),
      systemIntegrityProtectionEnabled: true,
      storageRequireEncryption: true,
      firewallEnabled: rng.bool(0.8),
      gatekeeperAllowedAppSource: 'macAppStoreAndIdentifiedDevelopers',
    }),
  },
];

const NO_TEMPLATE = '00000000-0000-0000-0000-000000000000';

function scheduledActions(rng: Rng, policyId: string, tenant: TenantRefs): EmulatorNode[] {
  const actions: GraphJson[] = [
    {
      id: new Rng(`${policyId}:block`).guid(),
      gracePeriodHours: rng.pick([0, 0, 24, 72]),
      actionType: 'block',
      notificationTemplateId: NO_TEMPLATE,
      notificationMessageCCList: [],
    },
  ];
  if (rng.bool(0.5)) {
    actions.push({
      id: new Rng(`${policyId}:notify`).guid(),
      gracePeriodHours: rng.pick([24, 48, 72]),
      actionType: 'notification',
      // One of the tenant's templates; the zero GUID (no message) when it has none.
      notificationTemplateId: tenant.ref('notificationTemplates', rng.int(0, 999)) ?? NO_TEMPLATE,
      notificationMessageCCList: [],
    });
  }
  if (rng.bool(0.2)) {
    actions.push({
      id: new Rng(`${policyId}:retire`).guid(),
      gracePeriodHours: 24 * rng.pick([30, 60, 90]),
      actionType: 'retire',
      notificationTemplateId: NO_TEMPLATE,
      notificationMessageCCList: [],
    });
  }
  return [
    {
      object: { id: new Rng(`${policyId}:rule`).guid(), ruleName: null },
      lists: { scheduledActionConfigurations: actions.map(leaf) },
    },
  ];
}

export const complianceGenerator: PolicyGenerator = {
  weight: 7,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const variant = rng.pick(VARIANTS);
    return {
      object: {
        ...variant.fields(rng, ctx.revision),
        id: ctx.id,
        createdDateTime: ctx.createdDateTime,
        description: description(rng, 'Compliance policy.'),
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        displayName: policyName(rng, variant.prefix, 'Compliance', ctx.index),
        roleScopeTagIds: scopeTagIds(rng, ctx),
        version: 1 + ctx.revision,
      },
      lists: {
        scheduledActionsForRule: scheduledActions(rng, ctx.id, ctx),
        assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }),
      },
    };
  },
};
