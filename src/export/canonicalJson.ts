// The text of an exported JSON file: keys sorted by UTF-16 code unit at every depth, two-space
// indentation for people, a trailing newline. Hand-written rather than JSON.stringify over a
// re-ordered object: JS objects enumerate integer-like keys ("2", "10") first in numeric order,
// so a sorted object would not print sorted (the same reason as src/graph/canonical.ts). Values
// come from PostgreSQL jsonb, so only JSON types occur.
//
// `textOf` maps every key and string on the way (the archive passes unescapeStoredText), so a
// stored payload is written in one walk, without first copying it whole (bench:export: the copy
// and its garbage cost as much as the rendering). Parts are collected in one array and joined
// once, rather than each level joining its children's strings again.

export function canonicalJsonText(value: unknown, textOf: (text: string) => string = same): string {
  const parts: string[] = [];
  render(value, '', textOf, parts);
  parts.push('\n');
  return parts.join('');
}

const same = (text: string) => text;

function render(value: unknown, indent: string, textOf: (text: string) => string, parts: string[]): void {
  if (value === null || value === undefined) {
    parts.push('null');
    return;
  }
  if (typeof value !== 'object') {
    parts.push(JSON.stringify(typeof value === 'string' ? textOf(value) : value));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      parts.push('[]');
      return;
    }
    parts.push('[\n');
    value.forEach((item, i) => {
      parts.push(i === 0 ? inner : `,\n${inner}`);
      render(item, inner, textOf, parts);
    });
    parts.push(`\n${indent}]`);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .map((stored) => [textOf(stored), stored] as const)
    .sort((a, b) => byCodeUnit(a[0], b[0]));
  if (keys.length === 0) {
    parts.push('{}');
    return;
  }
  parts.push('{\n');
  keys.forEach(([key, stored], i) => {
    parts.push(`${i === 0 ? inner : `,\n${inner}`}${JSON.stringify(key)}: `);
    render(record[stored], inner, textOf, parts);
  });
  parts.push(`\n${indent}}`);
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
