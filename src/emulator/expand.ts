// `$expand` as Graph reads it: navigation property names, each with options in parentheses
// (`a($expand=b($select=x);$top=5),c`), options separated by `;`.
//
// Hand-written: the OData parsers on npm (@odata/parser, odata-v4-parser) parse the whole query
// grammar into ASTs of filters and literals; the emulator only needs names and the raw options,
// nested `$expand` parsed again, which is a bracket-depth split.

import { splitTopLevel as splitOutsideParentheses } from '../graph/expandQuery';

export interface ExpandItem {
  /** As the client wrote it (matched case-insensitively against the surface). */
  name: string;
  /** The options in parentheses as written, in order (`[['$expand', 'b'], ['$top', '5']]`). */
  options: [string, string][];
  /** The nested `$expand`, parsed. */
  expand: ExpandItem[];
}

/** The parsed value, or the message of Graph's 400 for a malformed one. */
export function parseExpand(value: string | null | undefined): ExpandItem[] | { error: string } {
  if (value === null || value === undefined || value.trim() === '') return [];
  const parts = splitTopLevel(value, ',');
  if ('error' in parts) return parts;
  const items: ExpandItem[] = [];
  for (const part of parts) {
    const item = parseItem(part.trim(), value);
    if ('error' in item) return item;
    items.push(item);
  }
  return items;
}

function parseItem(text: string, whole: string): ExpandItem | { error: string } {
  const open = text.indexOf('(');
  const name = (open === -1 ? text : text.slice(0, open)).trim();
  if (name === '' || (open !== -1 && !text.endsWith(')'))) return syntaxError(whole);
  if (open === -1) return { name, options: [], expand: [] };
  const inner = splitTopLevel(text.slice(open + 1, -1), ';');
  if ('error' in inner) return inner;
  const options: [string, string][] = [];
  let expand: ExpandItem[] = [];
  for (const option of inner) {
    const equals = option.indexOf('=');
    if (equals < 1) return syntaxError(whole);
    const key = option.slice(0, equals).trim();
    const optionValue = option.slice(equals + 1).trim();
    options.push([key, optionValue]);
    if (key === '$expand') {
      const nested = parseExpand(optionValue);
      if ('error' in nested) return nested;
      expand = nested;
    }
  }
  return { name, options, expand };
}

/** `text` split at `separator` outside parentheses; an unbalanced bracket is an error. */
function splitTopLevel(text: string, separator: string): string[] | { error: string } {
  const parts = splitOutsideParentheses(text, separator);
  if (Array.isArray(parts)) return parts;
  return parts.unbalanced === 'close'
    ? syntaxError(text)
    : { error: 'Found an unbalanced bracket expression.' };
}

function syntaxError(text: string): { error: string } {
  return { error: `Syntax error in the $expand expression '${text}'.` };
}
