// Setting definition and choice option names for a document, read a page of policies at a time
// (one query for the page's definitions not seen yet) and kept in a bounded cache: a 5,000-policy
// set uses a few thousand definitions, but nothing here grows with the set beyond the bound.
import type { Db } from '../../db/client';
import { choiceOptionNames, settingDefinitionNames } from '../../db/settingDefinitions';
import { settingDefinitionIdsOf } from '../../diff';

/** Entries kept per map; the oldest inserted go first (a Map iterates in insertion order). */
export const LABEL_CACHE_ENTRIES = 20_000;

// Hand-written rather than lru-cache: insertion order is all this needs (a page's names are read
// again only by that page), and it is a dozen lines over a Map.
class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
  }
}

export class SettingLabelCache {
  /** Definition id -> display name, null when the stored definitions have none. */
  private readonly names: BoundedMap<string | null>;
  private readonly options: BoundedMap<string>;

  constructor(
    private readonly db: Db,
    max = LABEL_CACHE_ENTRIES,
  ) {
    this.names = new BoundedMap(max);
    this.options = new BoundedMap(max);
  }

  /** Reads the names of the definitions these payloads use that the cache does not hold. */
  async load(payloads: readonly unknown[]): Promise<void> {
    const missing = new Set<string>();
    for (const payload of payloads)
      for (const id of settingDefinitionIdsOf(payload)) if (!this.names.has(id)) missing.add(id);
    if (missing.size === 0) return;
    const ids = [...missing];
    const [names, options] = await Promise.all([
      settingDefinitionNames(this.db, ids),
      choiceOptionNames(this.db, ids),
    ]);
    for (const id of ids) this.names.set(id, names.get(id) ?? null);
    for (const [itemId, name] of options) this.options.set(itemId, name);
  }

  settingName = (definitionId: string): string | undefined => this.names.get(definitionId) ?? undefined;
  optionName = (itemId: string): string | undefined => this.options.get(itemId);
}
