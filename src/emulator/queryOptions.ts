import { graphError } from './graphErrors';
import type { FilterableProperty, FilterOperator, NavigationRule } from './graphSurface';
import type { Reply } from './httpUtil';
import type { EmulatorNode, GraphJson } from './types';

// The system query options as Graph reads them: `$select`, `$filter`, `$count`, and on beta the
// same options without `$` ("In beta only, the $ prefix is optional", Learn query-parameters).

const SYSTEM_OPTIONS = [
  'top',
  'skip',
  'skiptoken',
  'expand',
  'select',
  'filter',
  'count',
  'orderby',
  'search',
];

/**
 * The URL with its system options spelled `$name`: on beta a bare `top=` is `$top=`; on v1.0 a
 * bare name is a custom parameter Graph ignores, so it stays as is. Readers only look at `$name`.
 */
export function normaliseSystemOptions(url: URL, version: 'v1.0' | 'beta'): URL {
  if (version !== 'beta') return url;
  const keys = [...url.searchParams.keys()];
  if (!keys.some((key) => SYSTEM_OPTIONS.includes(key.toLowerCase()))) return url;
  const out = new URL(url.pathname, url.origin);
  for (const [key, value] of url.searchParams) {
    const bare = SYSTEM_OPTIONS.includes(key.toLowerCase());
    out.searchParams.append(bare ? `$${key.toLowerCase()}` : key, value);
  }
  return out;
}

/** `$select` as a list of names, undefined without one. */
export function selectOf(url: URL): string[] | undefined {
  const value = url.searchParams.get('$select');
  if (value === null) return undefined;
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** `$count=true|false`, or Graph's 400. */
export function countOf(url: URL): boolean | Reply {
  const value = url.searchParams.get('$count');
  if (value === null || /^false$/i.test(value)) return false;
  if (/^true$/i.test(value)) return true;
  return graphError(400, 'BadRequest', `'${value}' is not a valid count option.`);
}

/** The properties of a served object that `$select` keeps: Graph always adds the key and type. */
export function selected(value: GraphJson, names: readonly string[], keep: readonly string[]): GraphJson {
  const out: GraphJson = {};
  for (const [key, v] of Object.entries(value)) {
    if (
      key === '@odata.type' ||
      key === 'id' ||
      names.includes(key) ||
      keep.some((k) => key === k || key.startsWith(`${k}@`))
    )
      out[key] = v;
  }
  return out;
}

/**
 * `$select` bound to the properties the served objects have (declared spelling), or Graph's 400
 * for a name none of them has. Navigations count as properties; an empty set accepts any name.
 */
export function bindSelect(
  url: URL,
  nodes: () => EmulatorNode[],
  navigations: Readonly<Record<string, NavigationRule>>,
  graphType: string,
): string[] | undefined | Reply {
  const names = selectOf(url);
  if (names === undefined) return undefined;
  const known = new Set(Object.keys(navigations));
  const served = nodes();
  for (const node of served)
    for (const key of Object.keys({ ...node.object, ...node.detail })) known.add(key);
  const out: string[] = [];
  for (const name of names) {
    const found = [...known].find((key) => key.toLowerCase() === name.toLowerCase());
    if (found === undefined && served.length > 0 && name !== '*') {
      return graphError(
        400,
        'BadRequest',
        `Could not find a property named '${name}' on type '${graphType}'.`,
      );
    }
    out.push(found ?? name);
  }
  return out.includes('*') ? undefined : out;
}

type Clause = { property: string; operator: FilterOperator; literal: string | boolean | number };

const NOT_ALLOWED =
  "The query specified in the URI is not valid. Query option 'Filter' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.";
const INVALID = 'Invalid filter clause';

/**
 * `$filter` as a predicate over served objects, for a set whose filterable properties are
 * `filters`: `and` of `<property> <op> <literal>` (string in quotes, true/false, or a UTC
 * time for eq/ge/gt/le/lt), each clause optionally in parentheses. Anything else is Graph's 400.
 */
export function filterOf(
  url: URL,
  filters: Readonly<Record<string, FilterableProperty>> | undefined,
): ((object: GraphJson) => boolean) | undefined | Reply {
  const text = url.searchParams.get('$filter');
  if (text === null) return undefined;
  if (filters === undefined) return graphError(400, 'BadRequest', NOT_ALLOWED);
  const clauses: Clause[] = [];
  for (const part of splitAnd(text)) {
    const clause = parseClause(part, filters);
    if (clause === undefined) return graphError(400, 'BadRequest', INVALID);
    clauses.push(clause);
  }
  return (object) => clauses.every((clause) => matches(object[clause.property], clause));
}

/** Split at ` and ` outside string literals (a quote inside one is written twice). */
function splitAnd(text: string): string[] {
  const tokens = text.match(/'(?:[^']|'')*'|\s+and\s+|[^'\s]+|\s+|'/gi) ?? [];
  const parts = [''];
  for (const token of tokens) {
    if (/^\s+and\s+$/i.test(token)) parts.push('');
    else parts[parts.length - 1] += token;
  }
  return parts;
}

function parseClause(
  part: string,
  filters: Readonly<Record<string, FilterableProperty>>,
): Clause | undefined {
  let text = part.trim();
  while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  const parts = /^(\w+)\s+(eq|ge|gt|le|lt)\s+(.+)$/i.exec(text);
  if (parts === null) return undefined;
  const entry = Object.entries(filters).find(([name]) => name.toLowerCase() === parts[1]?.toLowerCase());
  const operator = parts[2]?.toLowerCase() as FilterOperator;
  if (entry === undefined || !entry[1].operators.includes(operator)) return undefined;
  const [property, rule] = entry;
  const raw = (parts[3] ?? '').trim();
  if (rule.type === 'string') {
    const quoted = /^'((?:[^']|'')*)'$/.exec(raw);
    return quoted ? { property, operator, literal: (quoted[1] ?? '').replaceAll("''", "'") } : undefined;
  }
  if (rule.type === 'boolean') {
    return /^(true|false)$/i.test(raw)
      ? { property, operator, literal: raw.toLowerCase() === 'true' }
      : undefined;
  }
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)
    ? Date.parse(raw)
    : NaN;
  return Number.isNaN(time) ? undefined : { property, operator, literal: time };
}

const TIME_COMPARISONS: Record<FilterOperator, (time: number, literal: number) => boolean> = {
  eq: (time, literal) => time === literal,
  ge: (time, literal) => time >= literal,
  gt: (time, literal) => time > literal,
  le: (time, literal) => time <= literal,
  lt: (time, literal) => time < literal,
};

function matches(value: unknown, clause: Clause): boolean {
  if (typeof clause.literal === 'number') {
    const time = typeof value === 'string' ? Date.parse(value) : NaN;
    return !Number.isNaN(time) && TIME_COMPARISONS[clause.operator](time, clause.literal);
  }
  // Graph compares Intune strings without regard to case.
  if (typeof clause.literal === 'string')
    return typeof value === 'string' && value.toLowerCase() === clause.literal.toLowerCase();
  return value === clause.literal;
}
