import { Rng } from '../prng';
import type { EmulatorNode, GraphJson } from '../types';
import { assignments, description, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Administrative templates (ADMX): definitionValues (with `definition` only when expanded), each
// with presentationValues (with `presentation` only when expanded).

const DEFINITIONS = [
  { name: 'Configure Automatic Updates', category: '\\Windows Components\\Windows Update', kind: 'dropdown' },
  { name: 'Prevent access to registry editing tools', category: '\\System', kind: 'none' },
  { name: 'Configure the list of enterprise sites', category: '\\Microsoft Edge', kind: 'text' },
  { name: 'Set the default home page', category: '\\Microsoft Office 2016\\Miscellaneous', kind: 'text' },
  { name: 'Turn off Autoplay', category: '\\Windows Components\\AutoPlay Policies', kind: 'dropdown' },
  {
    name: 'Allow Trusted Locations on the network',
    category: '\\Microsoft Word 2016\\Security',
    kind: 'checkbox',
  },
  {
    name: 'Block macros from running in Office files from the Internet',
    category: '\\Microsoft Excel 2016',
    kind: 'none',
  },
  { name: 'Screen saver timeout', category: '\\Control Panel\\Personalization', kind: 'decimal' },
  { name: 'Site to Zone Assignment List', category: '\\Windows Components\\Internet Explorer', kind: 'list' },
  {
    name: 'Specify intranet Microsoft update service location',
    category: '\\Windows Components\\Windows Update',
    kind: 'multitext',
  },
] as const;

type Kind = (typeof DEFINITIONS)[number]['kind'];

function presentationFor(
  kind: Exclude<Kind, 'none'>,
  label: string,
  id: string,
  modified: string,
): GraphJson {
  const common = { id, label, lastModifiedDateTime: modified };
  switch (kind) {
    case 'dropdown':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationDropdownList',
        ...common,
        required: true,
        defaultItem: null,
        items: [
          { displayName: 'Auto download and notify', value: '3' },
          { displayName: 'Auto download and schedule', value: '4' },
        ],
      };
    case 'text':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationTextBox',
        ...common,
        required: false,
        defaultValue: '',
        maxLength: 1023,
      };
    case 'checkbox':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationCheckBox',
        ...common,
        defaultChecked: false,
      };
    case 'decimal':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationDecimalTextBox',
        ...common,
        required: true,
        defaultValue: 900,
        spin: true,
        spinStep: 1,
        minValue: 0,
        maxValue: 599940,
      };
    case 'list':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationListBox',
        ...common,
        explicitValue: true,
        valuePrefix: null,
      };
    case 'multitext':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationMultiTextBox',
        ...common,
        required: false,
        maxLength: 1023,
        maxStrings: 0,
      };
  }
}

function presentationValue(
  rng: Rng,
  kind: Exclude<Kind, 'none'>,
  id: string,
  ctx: GenerateContext,
): GraphJson {
  const common = { id, createdDateTime: ctx.createdDateTime, lastModifiedDateTime: ctx.lastModifiedDateTime };
  switch (kind) {
    case 'dropdown':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationValueText',
        ...common,
        value: rng.pick(['3', '4']),
      };
    case 'text':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationValueText',
        ...common,
        value: `https://intranet.contoso.example/${rng.hex(6)}`,
      };
    case 'checkbox':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationValueBoolean',
        ...common,
        value: rng.bool(),
      };
    case 'decimal':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationValueDecimal',
        ...common,
        value: 300 + 60 * (rng.int(0, 10) + ctx.revision),
      };
    case 'list':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationValueList',
        ...common,
        values: Array.from({ length: rng.int(1, 6) }, () => ({
          name: `*.contoso${rng.int(1, 99)}.example`,
          value: String(rng.int(1, 4)),
        })),
      };
    case 'multitext':
      return {
        '@odata.type': '#microsoft.graph.groupPolicyPresentationValueMultiText',
        ...common,
        values: [`https://wsus${rng.int(1, 9)}.contoso.example:8531`],
      };
  }
}

function definitionValue(rng: Rng, ctx: GenerateContext, slot: number): EmulatorNode {
  const definition = DEFINITIONS[slot % DEFINITIONS.length] ?? DEFINITIONS[0];
  const definitionId = new Rng(`admx:${definition.name}`).guid();
  const id = new Rng(`${ctx.label}:dv:${slot}`).guid();
  const presentationValues: EmulatorNode[] = [];
  if (definition.kind !== 'none') {
    const presentationId = new Rng(`admx:${definition.name}:presentation`).guid();
    presentationValues.push({
      object: presentationValue(rng, definition.kind, new Rng(`${id}:pv`).guid(), ctx),
      expandable: {
        presentation: presentationFor(
          definition.kind,
          definition.name,
          presentationId,
          '2024-05-02T17:20:11.0000000Z',
        ),
      },
    });
  }
  return {
    object: {
      createdDateTime: ctx.createdDateTime,
      enabled: slot === 0 ? ctx.revision % 2 === 0 : rng.bool(0.85),
      configurationType: 'policy',
      id,
      lastModifiedDateTime: ctx.lastModifiedDateTime,
    },
    expandable: {
      definition: {
        id: definitionId,
        classType: rng.pick(['machine', 'user']),
        displayName: definition.name,
        explainText: `This policy setting lets you ${definition.name.toLowerCase()}.`,
        categoryPath: definition.category,
        supportedOn: 'At least Windows 10',
        policyType: 'admxBacked',
        hasRelatedDefinitions: false,
        groupId: new Rng(`admx-group:${definition.category}`).guid(),
        minDeviceCspVersion: '5.0',
        minUserCspVersion: '5.0',
        version: '1.0',
        lastModifiedDateTime: '2024-05-02T17:20:11.0000000Z',
      },
    },
    lists: { presentationValues },
  };
}

/**
 * Graph's policyConfigurationIngestionType by the policyType of the definitions a policy's values
 * use: Microsoft's ADMX catalog (admxBacked) or uploaded custom ADMX (admxIngested).
 */
export const INGESTION_TYPE_OF_DEFINITION: Readonly<Record<string, string>> = {
  admxBacked: 'builtIn',
  admxIngested: 'custom',
};

export const administrativeTemplatesGenerator: PolicyGenerator = {
  weight: 6,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const count = rng.bool(0.1) ? rng.int(15, 40) : rng.int(1, 8);
    return {
      object: {
        createdDateTime: ctx.createdDateTime,
        displayName: policyName(rng, 'WIN', 'Administrative template', ctx.index),
        description: description(rng, 'ADMX-backed settings.'),
        roleScopeTagIds: scopeTagIds(rng, ctx),
        // Every value the generator makes uses a definition of Microsoft's catalog (admxBacked).
        policyConfigurationIngestionType: INGESTION_TYPE_OF_DEFINITION.admxBacked,
        id: ctx.id,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
      },
      lists: {
        definitionValues: () => {
          const listRng = new Rng(`${ctx.label}:definitionValues`);
          return Array.from({ length: count }, (_, slot) => definitionValue(listRng, ctx, slot));
        },
        assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }),
      },
    };
  },
};
