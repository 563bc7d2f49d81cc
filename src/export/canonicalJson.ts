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
    for (let i = 0; i < value.length; i++) {
      parts.push(i === 0 ? inner : `,\n${inner}`);
      render(value[i], inner, textOf, parts);
    }
    parts.push(`\n${indent}]`);
    return;
  }
  const record = value as Record<string, unknown>;
  const stored = Object.keys(record);
  if (stored.length === 0) {
    parts.push('{}');
    return;
  }
  // Sorted by the keys as written (textOf's), each paired with the key the value is stored under.
  const keys = stored.map((key) => [textOf(key), key] as const).sort((a, b) => byCodeUnit(a[0], b[0]));
  parts.push('{\n');
  for (let i = 0; i < keys.length; i++) {
    const [key, storedKey] = keys[i] as readonly [string, string];
    parts.push(i === 0 ? inner : `,\n${inner}`, keyText(key), ': ');
    render(record[storedKey], inner, textOf, parts);
  }
  parts.push(`\n${indent}}`);
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// A payload repeats the same few hundred keys ("@odata.type", "settingDefinitionId", ...): their
// quoted text is kept, up to a bound a hostile payload of unique keys cannot pass.
const KEY_TEXTS = new Map<string, string>();
const MAX_KEY_TEXTS = 10_000;

function keyText(key: string): string {
  let text = KEY_TEXTS.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (KEY_TEXTS.size < MAX_KEY_TEXTS) KEY_TEXTS.set(key, text);
  }
  return text;
}
