// One rule for every piece of text a request carries, whatever the route and however deeply the
// field is nested: PostgreSQL refuses U+0000 in text and jsonb, and an unpaired UTF-16 surrogate
// is no Unicode text at all (it has no UTF-8 form; the driver fails or silently writes U+FFFD).
// Both are refused as a 422 naming the field before any route sees the request, rather than by
// each schema, so a field added tomorrow cannot forget it.
import { isUtf8 } from 'node:buffer';
import type { RequestHandler } from 'express';
import { type FieldError, invalidRequest } from './problem';

const UNSTORABLE = /[\0\p{Cs}]/u;

/** Why a string cannot be stored, or undefined when it can. */
export function unstorableText(text: string): string | undefined {
  const found = UNSTORABLE.exec(text)?.[0];
  if (found === undefined) return undefined;
  return found === '\0'
    ? 'must not contain U+0000 (NUL)'
    : 'must not contain an unpaired UTF-16 surrogate: it is not Unicode text';
}

/** A field error for each string in `value` that cannot be stored, named by its dotted path. */
export function unstorableTextErrors(value: unknown, path: string[] = []): FieldError[] {
  if (typeof value === 'string') {
    const message = unstorableText(value);
    return message ? [{ field: path.join('.') || '(root)', message }] : [];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => unstorableTextErrors(item, [...path, `${index}`]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => unstorableTextErrors(item, [...path, key]));
  return [];
}

/**
 * Query parameters whose percent-encoding is not UTF-8 (e.g. %ED%A0%80, an encoded surrogate).
 * Express's parser would turn them into U+FFFD, silently answering for another value than the one
 * sent, so they are found in the raw query string.
 */
function malformedQueryErrors(rawQuery: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const pair of rawQuery.split('&')) {
    const at = pair.indexOf('=');
    const [key, value] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    if (!isUtf8(percentDecoded(key)) || !isUtf8(percentDecoded(value)))
      errors.push({
        field: percentDecoded(key).toString('utf8'),
        message: 'is not UTF-8 once percent-decoded (an encoded surrogate is not Unicode text)',
      });
  }
  return errors;
}

/** The bytes a query component stands for (`+` is a space; a stray `%` stays itself, as in Express). */
function percentDecoded(component: string): Buffer {
  const binary = component
    .replace(/\+/g, ' ')
    .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(binary, 'latin1');
}

/** After the JSON body parser, before the routes. */
export function refuseUnstorableText(): RequestHandler {
  return (req, _res, next) => {
    const rawQuery = req.originalUrl.split('?').slice(1).join('?');
    const inQuery = rawQuery ? malformedQueryErrors(rawQuery) : [];
    if (inQuery.length === 0)
      for (const [name, value] of Object.entries(req.query as Record<string, unknown>))
        for (const error of unstorableTextErrors(value)) inQuery.push({ ...error, field: name });
    const inBody = unstorableTextErrors(req.body);
    if (inQuery.length > 0 || inBody.length > 0) {
      const where =
        inQuery.length > 0 && inBody.length > 0 ? 'query and body' : inQuery.length > 0 ? 'query' : 'body';
      return next(invalidRequest([...inQuery, ...inBody], where));
    }
    next();
  };
}
