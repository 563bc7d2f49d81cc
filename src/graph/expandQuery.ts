// The navigation properties a request's `$expand` inlines, each with its own nested `$expand`
// (`a($expand=b),c` -> a: '$expand=b', c: undefined). Only these properties can carry an inline
// `@odata.nextLink`, so the fetcher completes inline pages by walking them alone instead of the
// whole object (a settings tree with its definitions is large: bench:sync).

/** Expanded property -> the query of its nested `$expand`, or undefined when it has none. */
export type ExpandedNavigations = ReadonlyMap<string, string | undefined>;

const NONE: ExpandedNavigations = new Map();

/** The expanded navigations of a query string (without '?'); empty when it has no `$expand`. */
export function expandedNavigations(query: string | undefined): ExpandedNavigations {
  if (query === undefined) return NONE;
  const value = optionValue(query, '&', '$expand');
  if (value === undefined) return NONE;
  const out = new Map<string, string | undefined>();
  for (const part of partsOf(value, ',')) {
    const open = part.indexOf('(');
    const name = (open === -1 ? part : part.slice(0, open)).trim();
    if (name === '') continue;
    const inner = open === -1 ? undefined : part.slice(open + 1, part.lastIndexOf(')'));
    const nested = inner === undefined ? undefined : optionValue(inner, ';', '$expand');
    out.set(name, nested === undefined ? undefined : `$expand=${nested}`);
  }
  return out;
}

function optionValue(options: string, separator: string, key: string): string | undefined {
  for (const option of partsOf(options, separator)) {
    const equals = option.indexOf('=');
    if (equals !== -1 && option.slice(0, equals).trim() === key) return option.slice(equals + 1).trim();
  }
  return undefined;
}

/** Where brackets do not pair up: a `)` closing nothing, or a `(` never closed. */
export type Unbalanced = { unbalanced: 'close' | 'open' };

/** `text` split at `separator` outside parentheses (shared with the emulator's `$expand` parser). */
export function splitTopLevel(text: string, separator: string): string[] | Unbalanced {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) return { unbalanced: 'close' };
    if (char === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return { unbalanced: 'open' };
  parts.push(text.slice(start));
  return parts;
}

/** The parts, or none for unbalanced text (the registry's queries are balanced: unit-tested). */
function partsOf(text: string, separator: string): string[] {
  const parts = splitTopLevel(text, separator);
  return Array.isArray(parts) ? parts : [];
}
