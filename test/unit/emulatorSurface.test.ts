// The emulator's model of Graph's $expand and bound functions, called in-process (no HTTP): what
// Graph inlines only when expanded, nested $expand, inline paging that keeps nested options,
// names matched case-insensitively.
import { type GraphCall, serveCall } from '../../src/emulator/graphApi';
import { TenantStore } from '../../src/emulator/tenantStore';

type Json = Record<string, unknown>;
const POLICY = 'a1b2c3d4-0000-4000-8000-000000000002';
const BASE = 'https://emulator.test';
const COMPLIANCE = '/beta/deviceManagement/deviceCompliancePolicies';

const action = (id: string, actionType: string) => ({ id, actionType, gracePeriodHours: 0 });

function tenant() {
  const store = new TenantStore();
  const added = store.add({
    azureTenantId: '11111111-2222-4333-8444-555555555556',
    clientId: 'c',
    clientSecret: 's',
    displayName: 'T',
    policies: {
      compliance: [
        {
          object: { '@odata.type': '#microsoft.graph.windows10CompliancePolicy', id: POLICY },
          scheduledActionsForRule: [
            {
              id: 'r1',
              ruleName: null,
              scheduledActionConfigurations: [action('a1', 'block'), action('a2', 'retire')],
            },
            { id: 'r2', ruleName: 'x', scheduledActionConfigurations: [action('a3', 'notification')] },
          ],
        },
      ],
    },
  });
  return { store, tenant: added };
}

type Ctx = ReturnType<typeof tenant>;

function get(ctx: Ctx, path: string) {
  const url = new URL(path.startsWith('https://') ? path : `${BASE}${path}`);
  const [version, ...segments] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const call: GraphCall = { method: 'GET', url, version: version as 'beta', segments };
  const reply = serveCall(call, { ...ctx, defaultPageSize: 100 });
  return { status: reply.status, body: reply.body as Json };
}

const values = (body: Json) => body.value as Json[];

describe('compliance rules and their actions', () => {
  test('a navigation of list elements is not inlined without $expand (hand-written and generated)', () => {
    const ctx = tenant();
    const rules = get(ctx, `${COMPLIANCE}/${POLICY}/scheduledActionsForRule`);
    expect(rules.status).toBe(200);
    expect(values(rules.body).map((r) => r.id)).toEqual(['r1', 'r2']);
    for (const rule of values(rules.body)) expect(rule).not.toHaveProperty('scheduledActionConfigurations');
    expect(values(get(ctx, `${COMPLIANCE}?$expand=scheduledActionsForRule`).body)[0]).toMatchObject({
      scheduledActionsForRule: [{ id: 'r1' }, { id: 'r2' }],
    });
    const shallow = values(get(ctx, `${COMPLIANCE}?$expand=scheduledActionsForRule`).body)[0];
    expect(shallow?.scheduledActionsForRule as Json[]).toEqual([
      { id: 'r1', ruleName: null },
      { id: 'r2', ruleName: 'x' },
    ]);

    const store = new TenantStore();
    const generated = store.addGenerated({
      azureTenantId: '11111111-2222-4333-8444-555555555557',
      clientId: 'c',
      clientSecret: 's',
      policies: 200,
    });
    const gen = { store, tenant: generated };
    const [first] = values(get(gen, COMPLIANCE).body);
    const own = get(gen, `${COMPLIANCE}/${String(first?.id)}/scheduledActionsForRule`);
    expect(values(own.body).length).toBeGreaterThan(0);
    for (const rule of values(own.body)) expect(rule).not.toHaveProperty('scheduledActionConfigurations');
    const expanded = get(
      gen,
      `${COMPLIANCE}/${String(first?.id)}/scheduledActionsForRule?$expand=scheduledActionConfigurations`,
    );
    for (const rule of values(expanded.body))
      expect((rule.scheduledActionConfigurations as Json[]).length).toBeGreaterThan(0);
  });

  test('a nested $expand inlines the elements of each expanded element', () => {
    const ctx = tenant();
    const [policy] = values(
      get(ctx, `${COMPLIANCE}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)`).body,
    );
    expect(policy?.scheduledActionsForRule).toEqual([
      {
        id: 'r1',
        ruleName: null,
        scheduledActionConfigurations: [action('a1', 'block'), action('a2', 'retire')],
      },
      { id: 'r2', ruleName: 'x', scheduledActionConfigurations: [action('a3', 'notification')] },
    ]);
    const item = get(
      ctx,
      `${COMPLIANCE}/${POLICY}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)`,
    );
    expect((item.body.scheduledActionsForRule as Json[])[1]?.scheduledActionConfigurations).toHaveLength(1);
  });

  test('a nested $expand Graph would not bind, validate or parse answers 400', () => {
    const ctx = tenant();
    const refused = [
      `${COMPLIANCE}?$expand=scheduledActionsForRule($expand=noSuchNavigation)`,
      `${COMPLIANCE}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations($expand=x))`,
      `${COMPLIANCE}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations`,
      `${COMPLIANCE}?$expand=scheduledActionsForRule)`,
      `${COMPLIANCE}?$expand=scheduledActionsForRule(scheduledActionConfigurations)`,
    ];
    for (const path of refused)
      expect({ path, status: get(ctx, path).status }).toEqual({ path, status: 400 });
    const unknown = get(ctx, `${COMPLIANCE}?$expand=scheduledActionsForRule($expand=noSuchNavigation)`);
    expect(JSON.stringify(unknown.body)).toContain(
      "Could not find a property named 'noSuchNavigation' on type 'microsoft.graph.deviceComplianceScheduledActionForRule'",
    );
  });

  test('inline pages keep the nested options in their next links', () => {
    const ctx = tenant();
    ctx.tenant.faults = { inlineExpansionPageSize: 1 };
    const [policy] = values(
      get(ctx, `${COMPLIANCE}?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)`).body,
    );
    const rules = policy?.scheduledActionsForRule as Json[];
    expect(rules).toHaveLength(1);
    expect(rules[0]?.scheduledActionConfigurations).toEqual([action('a1', 'block')]);
    const rulesLink = String(policy?.['scheduledActionsForRule@odata.nextLink']);
    expect(rulesLink).toMatch(
      new RegExp(
        `^${BASE}/beta/deviceManagement/deviceCompliancePolicies/${POLICY}/scheduledActionsForRule\\?\\$expand=scheduledActionConfigurations&\\$top=1&\\$skiptoken=`,
      ),
    );
    // Following it gives the same shape as the first inline page: actions inlined (and paged).
    const rest = get(ctx, rulesLink);
    expect(rest.status).toBe(200);
    expect(values(rest.body)).toEqual([
      { id: 'r2', ruleName: 'x', scheduledActionConfigurations: [action('a3', 'notification')] },
    ]);
    const actionsLink = String(rules[0]?.['scheduledActionConfigurations@odata.nextLink']);
    expect(actionsLink).toContain(
      `/${POLICY}/scheduledActionsForRule/r1/scheduledActionConfigurations?$top=1&`,
    );
    expect(values(get(ctx, actionsLink).body)).toEqual([action('a2', 'retire')]);
  });
});

describe('$expand names', () => {
  test('match case-insensitively and are answered with the declared name', () => {
    const ctx = tenant();
    const [policy] = values(
      get(ctx, `${COMPLIANCE}?$expand=SCHEDULEDACTIONSFORRULE($expand=scheduledactionconfigurations)`).body,
    );
    expect(policy).not.toHaveProperty('SCHEDULEDACTIONSFORRULE');
    expect(
      ((policy as Json).scheduledActionsForRule as Json[])[0]?.scheduledActionConfigurations,
    ).toHaveLength(2);
    const item = get(
      ctx,
      `${COMPLIANCE}/${POLICY}/scheduledActionsForRule?$expand=ScheduledActionConfigurations`,
    );
    expect(values(item.body)[0]).toHaveProperty('scheduledActionConfigurations');
  });

  test('nesting deeper than the set allows, or a nested navigation not expandable on a list, is refused', () => {
    const ctx = tenant();
    // Group policy values cannot bring their presentation values' presentations (MaxExpansionDepth 1).
    const admx = `/beta/deviceManagement/groupPolicyConfigurations/x/definitionValues?$expand=presentationValues($expand=presentation)`;
    const deep = get(ctx, admx);
    expect(deep.status).toBe(400);
    expect(JSON.stringify(deep.body)).toContain('The maximum depth allowed is 1');
    const intents = '/beta/deviceManagement/intents/x?$expand=categories($expand=settings)';
    expect(JSON.stringify(get(ctx, intents).body)).toContain("The property 'settings' cannot be used");
  });
});
