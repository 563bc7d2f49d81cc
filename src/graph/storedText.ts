// Graph may send any JSON string, including "\u0000" and an unpaired surrogate such as "\ud800".
// PostgreSQL stores neither (jsonb refuses both, text refuses U+0000), so a tenant with one such
// policy failed its type on every run. Such strings are stored escaped, reversibly:
//
//   a string that holds U+0000 or an unpaired surrogate, or that starts with U+FFFF, is stored as
//   U+FFFF followed by the string with each backslash doubled and each U+0000 or unpaired
//   surrogate written as \uXXXX (lowercase hex); every other string is stored as it is.
//
// U+FFFF is a Unicode noncharacter, not used in interchanged text, so payloads without these
// characters keep the exact bytes (and hashes) they always had. The escape is applied to keys and
// values alike, and is a function of the string alone, so the same payload always gives the same
// bytes.

const MARK = '\uffff';
const NEEDS_ESCAPE = /^\uffff|[\0\p{Cs}]/u;
const ESCAPED = /[\\\0]|\p{Cs}/gu;
const UNESCAPED = /\\(?:\\|u([0-9a-f]{4}))/g;

/** The string as it is stored (itself, unless it needs the escape). */
export function escapeStoredText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return (
    MARK +
    text.replace(ESCAPED, (char) =>
      char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
  );
}

/** The string as Graph sent it, from its stored form. */
export function unescapeStoredText(stored: string): string {
  if (!stored.startsWith(MARK)) return stored;
  return stored
    .slice(MARK.length)
    .replace(UNESCAPED, (_, hex: string | undefined) =>
      hex === undefined ? '\\' : String.fromCharCode(Number.parseInt(hex, 16)),
    );
}

/** A stored JSON value (keys and strings at every depth) as Graph sent it. */
export function unescapeStoredJson(value: unknown): unknown {
  if (typeof value === 'string') return unescapeStoredText(value);
  if (Array.isArray(value)) return value.map(unescapeStoredJson);
  if (value !== null && typeof value === 'object') {
    // fromEntries, not assignment: a "__proto__" key must stay a property.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [unescapeStoredText(key), unescapeStoredJson(item)]),
    );
  }
  return value;
}
