// The settings catalog definitions a sync meets (FetchedPolicy.settingDefinitions), each distinct
// one kept once per sync: Graph sends a definition with every setting that uses it, so a
// 5,000-policy tenant repeats the same few thousand definitions over and over.
import type { StoredSettingDefinition } from '../db/settingDefinitions';
import { canonicalize, escapeStoredText, type GraphObject } from '../graph';

export class SettingDefinitionSink {
  /** Definitions as Graph serialized them: a repeat costs one native stringify and a lookup. */
  private readonly seenText = new Set<string>();
  /** Canonical hashes: the same definition with its keys in another order is not new either. */
  private readonly seenHash = new Set<string>();

  /** The definitions not seen before in this sync, ready to store; repeats are dropped. */
  take(definitions: readonly GraphObject[] | undefined): StoredSettingDefinition[] {
    const fresh: StoredSettingDefinition[] = [];
    for (const definition of definitions ?? []) {
      const id = definition.id;
      if (typeof id !== 'string' || id === '') continue;
      const text = JSON.stringify(definition);
      if (this.seenText.has(text)) continue;
      this.seenText.add(text);
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
