// Paths of field changes: JSON Pointers (RFC 6901) in which array elements are named by what they
// are, not where they are:
// - an element of an identity array by its key values, `[settingDefinitionId=…]`, several keys as
//   `[k1=v1,k2=v2]` (keys whose value is absent are left out; each key named by its last step);
// - a primitive element of a set by its value, `[=value]`;
// - any other element (ordered arrays, objects in sets) by its index.
// Inside brackets `\`, `,`, `=` and `]` are escaped with `\`; then the segment gets RFC 6901's
// `~0` / `~1` like any other, so a value holding '/' (an OMA-URI) stays one segment.

/** RFC 6901 escaping of one reference token. */
export function pointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function bracketText(value: string): string {
  return value.replace(/[\\,=\]]/g, (c) => `\\${c}`);
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The segment naming an identity element by its key paths' values. */
export function identitySegment(keys: readonly string[], values: readonly unknown[]): string {
  const parts: string[] = [];
  keys.forEach((key, i) => {
    const value = values[i];
    if (value === undefined || value === null) return;
    const name = key.slice(key.lastIndexOf('/') + 1);
    parts.push(`${bracketText(name)}=${bracketText(valueText(value))}`);
  });
  return pointerToken(`[${parts.join(',')}]`);
}

/** The segment naming a primitive element of a set by its value. */
export function setValueSegment(value: unknown): string {
  return pointerToken(`[=${bracketText(valueText(value))}]`);
}

export function childPath(path: string, segment: string): string {
  return `${path}/${segment}`;
}
