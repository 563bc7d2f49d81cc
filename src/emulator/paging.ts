import { graphError } from './graphErrors';
import type { Reply } from './httpUtil';
import type { GraphJson } from './types';

// Graph's server-driven paging: `@odata.nextLink` is an absolute URL with an opaque $skiptoken
// and the request's other options; clients must follow it, never build it.

const MAX_TOP = 999;

export interface PageRequest {
  /** The URL as requested (origin = the emulator's), for building the next link. */
  url: URL;
  /** Page size when the client sends no $top. */
  defaultPageSize: number;
  /** Absolute `@odata.context`. */
  context: string;
  /** `$count=true`: the reply carries `@odata.count`, the total after filtering. */
  count?: boolean;
}

export interface PageWindow {
  offset: number;
  size: number;
}

/** Offset and size from `$skiptoken` and `$top`, or a 400 reply. */
export function pageWindow(request: PageRequest): PageWindow | Reply {
  const params = request.url.searchParams;
  let size = request.defaultPageSize;
  const top = params.get('$top');
  if (top !== null) {
    const parsed = Number(top);
    if (!Number.isInteger(parsed) || parsed < 1)
      return graphError(400, 'BadRequest', `Invalid $top value '${top}'.`);
    size = Math.min(parsed, MAX_TOP);
  }
  let offset = 0;
  const skipToken = params.get('$skiptoken');
  if (skipToken !== null) {
    const decoded = decodeSkipToken(skipToken);
    if (decoded === undefined)
      return graphError(400, 'BadRequest', 'The skip token is invalid or has expired.');
    offset = decoded;
  }
  return { offset, size };
}

/** One page of `total` items; `items` builds only the ones on the page. */
export function pageReply(
  request: PageRequest,
  window: PageWindow,
  total: number,
  items: (from: number, to: number) => GraphJson[],
): Reply {
  const to = Math.min(total, window.offset + window.size);
  const body: GraphJson = { '@odata.context': request.context };
  if (request.count) body['@odata.count'] = total;
  if (to < total) body['@odata.nextLink'] = nextLink(request.url, to);
  body.value = window.offset < total ? items(window.offset, to) : [];
  return { status: 200, body };
}

function nextLink(url: URL, offset: number): string {
  // Keep the caller's other options ($top, $expand) like Graph does; `$` stays literal.
  const parts: string[] = [];
  for (const [key, value] of url.searchParams) {
    if (key !== '$skiptoken') parts.push(`${key}=${encodeURIComponent(value)}`);
  }
  parts.push(`$skiptoken=${encodeSkipToken(offset)}`);
  return `${url.origin}${url.pathname}?${parts.join('&')}`;
}

/** The opaque skip token of an offset, for next links built elsewhere (inline expansions). */
export function skipTokenFor(offset: number): string {
  return encodeSkipToken(offset);
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, o: offset })).toString('base64url');
}

function decodeSkipToken(value: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      v?: unknown;
      o?: unknown;
    };
    const offset = parsed.o;
    return parsed.v === 1 && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0
      ? offset
      : undefined;
  } catch {
    return undefined;
  }
}
