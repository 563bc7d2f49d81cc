// The text of an exported JSON file: keys sorted by UTF-16 code unit at every depth, two-space
// indentation for people, a trailing newline. Hand-written rather than JSON.stringify over a
// re-ordered object: JS objects enumerate integer-like keys ("2", "10") first in numeric order,
// so a sorted object would not print sorted (the same reason as src/graph/canonical.ts). Values
// come from PostgreSQL jsonb, so only JSON types occur.

export function canonicalJsonText(value: unknown): string {
  return `${render(value, '')}\n`;
}

function render(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + render(item, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(value).sort(byCodeUnit);
  if (keys.length === 0) return '{}';
  const entries = keys.map(
    (key) => `${inner}${JSON.stringify(key)}: ${render((value as Record<string, unknown>)[key], inner)}`,
  );
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
