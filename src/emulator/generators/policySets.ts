import { Rng } from '../prng';
import type { EmulatorNode } from '../types';
import { assignments, entityBasics, leaf, policyName } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Policy sets: a named bundle of references to apps, configurations and policies, assigned as
// one (docs intune-policyset-policyset.md, policySetItem and its derived types).

const ITEM_KINDS = [
  { type: 'deviceConfigurationPolicySetItem', itemType: '#microsoft.graph.windows10GeneralConfiguration' },
  { type: 'deviceCompliancePolicyPolicySetItem', itemType: '#microsoft.graph.windows10CompliancePolicy' },
  { type: 'mobileAppPolicySetItem', itemType: '#microsoft.graph.win32LobApp', intent: 'required' },
  { type: 'managedAppProtectionPolicySetItem', itemType: '#microsoft.graph.iosManagedAppProtection' },
  {
    type: 'windowsAutopilotDeploymentProfilePolicySetItem',
    itemType: '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
  },
  {
    type: 'enrollmentRestrictionsConfigurationPolicySetItem',
    itemType: '#microsoft.graph.deviceEnrollmentLimitConfiguration',
  },
];

function items(rng: Rng, ctx: GenerateContext): EmulatorNode[] {
  // An edit adds or drops the last item of the set.
  const count = Math.min(ITEM_KINDS.length, rng.int(1, 4) + (ctx.revision % 2));
  return rng.sample(ITEM_KINDS, count).map((kind, i) =>
    leaf({
      '@odata.type': `#microsoft.graph.${kind.type}`,
      id: new Rng(`${ctx.label}:item:${i}`).guid(),
      createdDateTime: ctx.createdDateTime,
      lastModifiedDateTime: ctx.lastModifiedDateTime,
      payloadId: new Rng(`${ctx.tenantLabel}:payload:${rng.int(0, 199)}`).guid(),
      itemType: kind.itemType,
      displayName: policyName(rng, 'SET', 'Member', i),
      status: 'success',
      errorCode: 'noError',
      guidedDeploymentTags: [],
      ...(kind.intent ? { intent: kind.intent, settings: null } : {}),
    }),
  );
}

export const policySetsGenerator: PolicyGenerator = {
  weight: 0.4,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    return {
      object: {
        ...entityBasics(ctx, 'ALL', 'Policy set', 'Baseline bundle for a department.'),
        status: rng.pick(['success', 'partialSuccess', 'notAssigned']),
        errorCode: 'noError',
        guidedDeploymentTags: [],
        roleScopeTags: ['0'],
      },
      lists: {
        items: items(new Rng(`${ctx.label}:items`), ctx),
        assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }),
      },
    };
  },
};
