// The setting definitions a payload uses, so their display names can be read in one query.

/** Every settingDefinitionId a payload holds, at any depth, each once, sorted. */
export function settingDefinitionIdsOf(payload: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'settingDefinitionId' && typeof inner === 'string') found.add(inner);
        else visit(inner);
      }
    }
  };
  visit(payload);
  return [...found].sort();
}
