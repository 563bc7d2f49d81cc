// `$expand` as Graph reads it: top-level navigation property names, options in parentheses.

/** Top-level names of a `$expand` value, e.g. `a($expand=b),c` -> [a, c]. */
export function expandNames(value: string | null | undefined): string[] {
  if (value === null || value === undefined || value.trim() === '') return [];
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      names.push(current.trim());
      current = '';
    } else if (depth === 0 && char !== ')') {
      current += char;
    }
  }
  names.push(current.trim());
  return names.filter((name) => name !== '');
}

/** The names a registry query string (`$expand=...&...`) expands. */
export function expandNamesOfQuery(query: string | undefined): string[] {
  if (query === undefined) return [];
  return expandNames(new URLSearchParams(query).get('$expand'));
}
