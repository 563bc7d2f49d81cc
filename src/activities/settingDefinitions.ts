// The settings catalog definitions a sync meets (FetchedPolicy.settingDefinitions), each distinct
// one kept once per sync: Graph sends a definition with every setting that uses it, so a
// 5,000-policy tenant repeats the same few thousand definitions tens of thousands of times.
import { createHash } from 'node:crypto';
import type { StoredSettingDefinition } from '../db/settingDefinitions';
import { canonicalize, escapeStoredText, type GraphObject } from '../graph';

export class SettingDefinitionSink {
  /**
   * Definitions met, by id and `version` (the catalog item's version, docs intune-deviceconfigv2-
   * devicemanagementconfigurationsettingdefinition.md: Microsoft re-publishes under a new one).
   * Within one sync that pair is one definition, so a repeat costs a lookup; serializing every
   * repeat made bench:sync miss its RSS target. A definition without a version is keyed by a
   * digest of its text instead.
   */
  private readonly seen = new Set<string>();
  /** Canonical hashes: the same definition met under another key is not new either. */
  private readonly seenHash = new Set<string>();

  /** The definitions not seen before in this sync, ready to store; repeats are dropped. */
  take(definitions: readonly GraphObject[] | undefined): StoredSettingDefinition[] {
    const fresh: StoredSettingDefinition[] = [];
    for (const definition of definitions ?? []) {
      const { id, version } = definition;
      if (typeof id !== 'string' || id === '') continue;
      const key =
        typeof version === 'string' && version !== ''
          ? `${id}\u0000${version}`
          : createHash('sha256').update(JSON.stringify(definition)).digest('base64');
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      // Canonical as payloads are (no volatile fields: the whole definition is Microsoft's).
      const canonical = canonicalize(definition, []);
      if (this.seenHash.has(canonical.sha256)) continue;
      this.seenHash.add(canonical.sha256);
      const displayName = definition.displayName;
      fresh.push({
        hash: canonical.sha256,
        definitionId: escapeStoredText(id),
        displayName: typeof displayName === 'string' ? escapeStoredText(displayName) : null,
        json: canonical.json,
        size: canonical.sizeBytes,
      });
    }
    return fresh;
  }
}
