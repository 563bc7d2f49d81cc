import { Rng } from '../prng';
import type { EmulatorNode } from '../types';
import { buildSettings } from './catalogSettings';
import { assignments, description, leaf, policyName, scopeTagIds, type TenantRefs } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Settings-based compliance policies (compliancePolicies, Linux): settings as in the settings
// catalog, and the non-compliance actions as a navigation of their own, one rule whose actions
// are a navigation again (read with `$expand=scheduledActionConfigurations`).

const NO_TEMPLATE = '00000000-0000-0000-0000-000000000000';

function scheduledActionsForRule(
  rng: Rng,
  policyId: string,
  revision: number,
  tenant: TenantRefs,
): EmulatorNode[] {
  const action = (kind: string, actionType: string, gracePeriodHours: number, template = NO_TEMPLATE) =>
    leaf({
      id: new Rng(`${policyId}:${kind}`).guid(),
      gracePeriodHours,
      actionType,
      notificationTemplateId: template,
      notificationMessageCCList: [],
    });
  const actions = [action('block', 'block', (rng.pick([0, 24, 72]) + 24 * revision) % 168)];
  if (rng.bool(0.5))
    actions.push(
      action(
        'notify',
        'notification',
        rng.pick([24, 48]),
        tenant.ref('notificationTemplates', rng.int(0, 999)) ?? NO_TEMPLATE,
      ),
    );
  if (rng.bool(0.2)) actions.push(action('retire', 'retire', 24 * rng.pick([30, 90])));
  return [
    {
      object: { id: new Rng(`${policyId}:rule`).guid(), ruleName: null },
      lists: { scheduledActionConfigurations: actions },
    },
  ];
}

export const settingsComplianceGenerator: PolicyGenerator = {
  weight: 0.8,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    // Linux compliance policies are small; some pass the settings page size of 25.
    const count = rng.pick([2, 3, 5, 8, 12, 30]);
    const assigned = assignments(rng, ctx.id, { tenant: ctx, bare: true });
    return {
      object: {
        id: ctx.id,
        name: policyName(rng, 'LNX', 'Compliance', ctx.index),
        description: description(rng, 'Linux compliance policy.') ?? '',
        platforms: 'linux',
        technologies: 'linuxMdm',
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        settingCount: count,
        creationSource: null,
        roleScopeTagIds: scopeTagIds(rng, ctx),
        isAssigned: assigned.length > 0,
      },
      lists: {
        settings: () =>
          buildSettings(new Rng(`${ctx.label}:settings`), 'linux', count, count * 500, ctx.revision),
        scheduledActionsForRule: scheduledActionsForRule(rng, ctx.id, ctx.revision, ctx),
        assignments: assigned,
      },
    };
  },
};
