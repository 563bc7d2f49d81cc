import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTITY_SETS } from '../../src/emulator/graphSurface';
import { AUDIT_SOURCE_KEYS, AUDIT_SOURCES } from '../../src/graph/auditSources';
import { ITEM_CONCURRENCY, itemConcurrencyOf, LARGE_ITEM_CONCURRENCY } from '../../src/graph/graphClient';
import {
  mayHoldScripts,
  POLICY_TYPE_KEYS,
  POLICY_TYPES,
  type PolicyCollection,
  type PolicyExpansion,
  type PolicyTypeKey,
} from '../../src/graph/policyTypes';

// docs/connecting-a-tenant.md table rows as trimmed cells (the formatter pads the columns).
const readmeRows = readFileSync(join(__dirname, '..', '..', 'docs', 'connecting-a-tenant.md'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );

function lists(expansions: readonly PolicyExpansion[]): string[] {
  return expansions.flatMap((e) => (e.kind === 'list' ? [e.path, ...lists(e.each ?? [])] : []));
}

const allLists = (key: (typeof POLICY_TYPE_KEYS)[number]) =>
  lists([
    ...POLICY_TYPES[key].expansions,
    ...POLICY_TYPES[key].collections.flatMap((c) => c.expansions ?? []),
  ]);

describe('audit sources', () => {
  it.each(AUDIT_SOURCE_KEYS)(
    '%s is documented in docs/connecting-a-tenant.md with its permission and path',
    (key) => {
      const source = AUDIT_SOURCES[key];
      expect(source.permission).toMatch(/^[A-Za-z]+(\.[A-Za-z]+)*\.Read\.All$/);
      const row = readmeRows.find((cells) => cells[0] === `\`${key}\``);
      expect(row?.[2]).toBe(`\`${source.permission}\``);
      expect(row?.[1]).toContain(`\`${source.path}\``);
    },
  );
});

describe('policy type registry', () => {
  it.each(POLICY_TYPE_KEYS)('%s is complete and documented in docs/connecting-a-tenant.md', (key) => {
    const type = POLICY_TYPES[key];
    expect(type.key).toBe(key);
    expect(type.collections.length).toBeGreaterThan(0);
    for (const collection of type.collections) expect(collection.path).toMatch(/^\/[A-Za-z]+\/[A-Za-z/]+$/);
    for (const path of allLists(key)) expect(path).toMatch(/^\/[A-Za-z0-9.]+(\/[A-Za-z.]+)?$/);
    expect(type.permission).toMatch(/^[A-Za-z]+(\.[A-Za-z]+)*\.Read\.All$/);
    expect(readmeRows).toContainEqual([`\`${key}\``, type.displayName, `\`${type.permission}\``]);
  });

  it('asks for the scripts permission Microsoft introduced for script endpoints', () => {
    const scriptTypes = [
      'powershellScripts',
      'macosShellScripts',
      'remediations',
      'complianceScripts',
      'macosCustomAttributeScripts',
    ] as const;
    for (const key of scriptTypes) {
      expect(POLICY_TYPES[key].permission).toBe('DeviceManagementScripts.Read.All');
      // The content is only on the item: every script type reads each item.
      expect(POLICY_TYPES[key].expansions[0]?.kind).toBe('detail');
    }
  });

  it('marks the script types, and only they, as holding scripts; an unknown stored type may', () => {
    const scripts = POLICY_TYPE_KEYS.filter((key) => POLICY_TYPES[key].holdsScripts);
    expect(scripts).toEqual([
      'powershellScripts',
      'macosShellScripts',
      'remediations',
      'complianceScripts',
      'macosCustomAttributeScripts',
    ]);
    expect(mayHoldScripts('compliance')).toBe(false);
    expect(mayHoldScripts('remediations')).toBe(true);
    expect(mayHoldScripts('aTypeRemovedFromTheRegistry')).toBe(true);
  });

  it('reads device configuration certificate links per type, none where Graph has no route', () => {
    const links = POLICY_TYPES.deviceConfiguration.expansions.find((e) => e.kind === 'reference');
    const byType = links?.kind === 'reference' ? links.byODataType : {};
    expect(byType['#microsoft.graph.windows81SCEPCertificateProfile']).toEqual([
      { name: 'rootCertificate', single: true },
    ]);
    // Imported-PFX profiles inherit rootCertificate, but Graph answers 400 for it.
    expect(Object.keys(byType).filter((type) => /ImportedPFX/i.test(type))).toEqual([]);
    expect(Object.keys(byType).every((type) => type.startsWith('#microsoft.graph.'))).toBe(true);
  });

  it('follows the settings catalog settings as a paged list', () => {
    expect(lists(POLICY_TYPES.settingsCatalog.expansions)).toContain('/settings');
  });
});

describe('list-level $expand', () => {
  const listed = POLICY_TYPE_KEYS.flatMap((key) =>
    POLICY_TYPES[key].collections.flatMap((collection) =>
      collection.listExpand ? [{ key, collection, listExpand: collection.listExpand }] : [],
    ),
  );

  it('names only simple lists of the collection, served inline by the emulator as by Graph', () => {
    expect(listed.length).toBeGreaterThan(10);
    for (const { key, collection, listExpand } of listed) {
      expect(listExpand.evidence).toMatch(/\S/);
      const set = ENTITY_SETS.find((candidate) => candidate.path === collection.path);
      for (const property of listExpand.properties) {
        const expansion = (collection.expansions ?? POLICY_TYPES[key].expansions).find(
          (e) => e.kind === 'list' && e.property === property,
        );
        // A query, nested lists, projections, definitions or a type filter are per-item work.
        expect({ key, property, expansion }).toEqual({
          key,
          property,
          expansion: { kind: 'list', property, path: `/${property}` },
        });
        expect({ key, property, onList: set?.navigations[property]?.expandOnList }).toEqual({
          key,
          property,
          onList: true,
        });
      }
    }
  });

  it('leaves out the lists Graph refuses or empties on a listing', () => {
    const named = new Set(listed.map(({ key }) => key));
    for (const key of ['scopeTags', 'policySets', 'endpointSecurityIntents'] as const)
      expect(named.has(key)).toBe(false);
    const settings = POLICY_TYPES.settingsCatalog.collections[0]?.listExpand?.properties;
    expect(settings).toEqual(['assignments']);
  });
});

describe('registry evidence', () => {
  // Each entry says where the public evidence for its reads is (docs, reference tools).
  const source = readFileSync(join(__dirname, '..', '..', 'src', 'graph', 'policyTypes.ts'), 'utf8');
  const entries = source.slice(source.indexOf('const ENTRIES'));
  it.each(POLICY_TYPE_KEYS)('%s has an evidence comment above its entry', (key) => {
    const lines = entries.split('\n');
    const at = lines.findIndex((line) => line.startsWith(`  ${key}:`));
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]?.trim()).toMatch(/^\/\//);
  });
});

describe('item lanes', () => {
  it('completes items carrying catalog definitions fewer at a time than the rest', () => {
    const lanes = (key: PolicyTypeKey) =>
      itemConcurrencyOf(POLICY_TYPES[key], POLICY_TYPES[key].collections[0] as PolicyCollection);
    expect(lanes('settingsCatalog')).toBe(LARGE_ITEM_CONCURRENCY);
    expect(lanes('settingsCompliance')).toBe(LARGE_ITEM_CONCURRENCY);
    expect(lanes('administrativeTemplates')).toBe(ITEM_CONCURRENCY);
    expect(LARGE_ITEM_CONCURRENCY).toBeLessThan(ITEM_CONCURRENCY);
  });
});
