// Fixtures of the settings catalog tests: a planted settings catalog policy with one integer setting, and a
// backed-up object that Graph no longer has (a copy of a backed-up payload under another id).
import { canonicalizePolicy, escapeStoredText } from '../../src/graph';
import type { TestStack } from './stack';

const NS = '#microsoft.graph.deviceManagementConfiguration';

/** A settings catalog policy's own properties, as planted tests give them. */
export function catalogObject(id: string, name: string, description = 'planted') {
  return {
    id,
    name,
    description,
    platforms: 'windows10',
    technologies: 'mdm',
    roleScopeTagIds: ['0'],
    lastModifiedDateTime: '2026-10-01T10:00:00Z',
    settingCount: 1,
  };
}

export function simpleCatalogPolicy(
  id: string,
  name: string,
  opts: { description?: string; assignments?: Record<string, unknown>[] } = {},
) {
  return {
    type: 'settingsCatalog' as const,
    object: catalogObject(id, name, opts.description ?? 'planted'),
    settings: [
      {
        id: '0',
        settingInstance: {
          '@odata.type': `${NS}SimpleSettingInstance`,
          settingDefinitionId: 'device_vendor_msft_policy_config_defender_avgcpuloadfactor',
          settingInstanceTemplateReference: null,
          simpleSettingValue: {
            '@odata.type': `${NS}IntegerSettingValue`,
            value: 50,
            settingValueTemplateReference: null,
          },
        },
      },
    ],
    assignments: opts.assignments ?? [],
  };
}

/** Adds to a set settings catalog objects Graph does not have: `copyOf`'s payload, renamed and re-identified. */
export async function addBackedUpButGone(
  stack: TestStack,
  backupSetId: string,
  copyOf: string,
  gone: readonly (readonly [graphId: string, name: string])[],
): Promise<void> {
  const source = await stack.db.backupItem.findUniqueOrThrow({
    where: {
      backupSetId_policyType_graphId: { backupSetId, policyType: 'settingsCatalog', graphId: copyOf },
    },
    include: { payload: true },
  });
  for (const [graphId, name] of gone) {
    const content = { ...(source.payload.content as Record<string, unknown>), id: graphId, name };
    const canonical = canonicalizePolicy('settingsCatalog', content);
    await stack.db.backupPayload.upsert({
      where: { hash: canonical.sha256 },
      create: { hash: canonical.sha256, content: JSON.parse(canonical.json), sizeBytes: canonical.sizeBytes },
      update: {},
    });
    await stack.db.backupItem.create({
      data: {
        backupSetId,
        policyType: 'settingsCatalog',
        graphId,
        displayName: escapeStoredText(name),
        payloadHash: canonical.sha256,
      },
    });
  }
}
