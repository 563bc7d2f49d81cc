import { createHash } from 'node:crypto';
import { canonicalize } from '../../src/graph/canonical';
import { escapeStoredText, unescapeStoredJson, unescapeStoredText } from '../../src/graph/storedText';
import { POLICY_TYPES } from '../../src/graph/policyTypes';

describe('canonicalize', () => {
  it('gives the same bytes whatever the key order', () => {
    const a = canonicalize({ b: 1, a: { y: [1, 2], x: 'x' } }, []);
    const b = canonicalize({ a: { x: 'x', y: [1, 2] }, b: 1 }, []);
    expect(a.json).toBe('{"a":{"x":"x","y":[1,2]},"b":1}');
    expect(b).toEqual(a);
  });

  it('sorts integer-like keys as strings, like every other key', () => {
    expect(canonicalize({ 10: 'a', 2: 'b', x: 'c' }, []).json).toBe('{"10":"a","2":"b","x":"c"}');
  });

  it('strips volatile fields at every depth', () => {
    const payload = {
      id: 'p1',
      lastModifiedDateTime: '2025-01-01T00:00:00Z',
      version: 7,
      settings: [{ id: '0', lastModifiedDateTime: 'x', nested: { version: 2, keep: true } }],
    };
    const { json } = canonicalize(payload, ['lastModifiedDateTime', 'version']);
    expect(json).toBe('{"id":"p1","settings":[{"id":"0","nested":{"keep":true}}]}');
  });

  it('drops @odata annotations but keeps @odata.type', () => {
    const payload = {
      '@odata.context': 'https://graph.microsoft.com/beta/$metadata#x',
      '@odata.type': '#microsoft.graph.windows10GeneralConfiguration',
      'settings@odata.nextLink': 'https://graph.microsoft.com/beta/next',
      'assignments@odata.context': 'ctx',
      settings: [
        { '@odata.type': '#microsoft.graph.deviceManagementConfigurationSetting', '@odata.etag': 'W/"1"' },
      ],
    };
    expect(canonicalize(payload, []).json).toBe(
      '{"@odata.type":"#microsoft.graph.windows10GeneralConfiguration",' +
        '"settings":[{"@odata.type":"#microsoft.graph.deviceManagementConfigurationSetting"}]}',
    );
  });

  it('keeps array order', () => {
    expect(canonicalize([3, 1, 2], []).json).toBe('[3,1,2]');
    expect(canonicalize({ a: [3, 1, 2] }, []).sha256).not.toBe(canonicalize({ a: [1, 2, 3] }, []).sha256);
  });

  it('hashes the UTF-8 bytes of the JSON and reports their size', () => {
    const result = canonicalize({ name: 'Zürich ✓' }, []);
    expect(result.json).toBe('{"name":"Zürich ✓"}');
    expect(result.sizeBytes).toBe(Buffer.byteLength(result.json, 'utf8'));
    expect(result.sizeBytes).toBeGreaterThan(result.json.length);
    expect(result.sha256).toBe(createHash('sha256').update(Buffer.from(result.json, 'utf8')).digest('hex'));
    // Stable across releases: stored hashes must keep matching.
    expect(canonicalize({ b: [true, null], a: 1.5 }, []).sha256).toBe(
      createHash('sha256').update('{"a":1.5,"b":[true,null]}').digest('hex'),
    );
  });

  it('treats a payload that differs only in volatile fields as unchanged', () => {
    const volatile = POLICY_TYPES.deviceConfiguration.volatileFields;
    const before = {
      id: 'p',
      displayName: 'x',
      version: 1,
      lastModifiedDateTime: 'a',
      passwordRequired: true,
    };
    const after = { ...before, version: 2, lastModifiedDateTime: 'b' };
    expect(canonicalize(after, volatile).sha256).toBe(canonicalize(before, volatile).sha256);
    expect(canonicalize({ ...after, passwordRequired: false }, volatile).sha256).not.toBe(
      canonicalize(before, volatile).sha256,
    );
  });

  it('omits undefined properties like JSON does and serializes dates', () => {
    expect(canonicalize({ a: undefined, b: [undefined], c: new Date('2025-01-01T00:00:00Z') }, []).json).toBe(
      '{"b":[null],"c":"2025-01-01T00:00:00.000Z"}',
    );
  });
});

describe('the stored-text escape of U+0000 and unpaired surrogates', () => {
  const UNSTORABLE = /[\0\p{Cs}]/u;

  it('round-trips every string, and what it stores PostgreSQL can store', () => {
    // Every string of up to 6 characters over an alphabet of the characters that matter.
    const alphabet = ['a', '\\', 'u', '0', '\0', '\ud800', '\udc00', '\uffff', '\ud83d\ude00'];
    const seen = new Map<string, string>();
    const visit = (text: string, depth: number) => {
      const stored = escapeStoredText(text);
      expect(UNSTORABLE.test(stored)).toBe(false);
      expect(unescapeStoredText(stored)).toBe(text);
      // Distinct strings are stored distinctly (a clash would merge two payloads' hashes).
      expect(seen.get(stored) ?? text).toBe(text);
      seen.set(stored, text);
      if (depth < 4) for (const char of alphabet) visit(text + char, depth + 1);
    };
    visit('', 0);
    expect(seen.size).toBeGreaterThan(5000);
  });

  it('stores ordinary strings as they are, including a U+FFFF that does not lead', () => {
    for (const text of ['', 'Zürich ✓', 'a\\u0000b', 'emoji \ud83d\ude00', 'x\uffff', '\t\n\u0001']) {
      expect(escapeStoredText(text)).toBe(text);
    }
  });

  it('writes the documented form', () => {
    expect(escapeStoredText('a\0b\ud800c\\')).toBe('\uffffa\\u0000b\\ud800c\\\\');
    expect(escapeStoredText('\uffffx')).toBe('\uffff\uffffx');
    expect(canonicalize({ 'k\0': '\udc00' }, []).json).toBe('{"\uffffk\\\\u0000":"\uffff\\\\udc00"}');
  });

  it('canonicalizes a payload with such keys and strings into storable JSON that gives it back', () => {
    const payload = {
      displayName: 'Kiosk\0 profile \ud800',
      'odd\0key': [true, '\udc00 lone low', { nested: 'a\\u0000 literal' }],
      plain: 'unchanged',
    };
    const canonical = canonicalize(payload, []);
    // Neither the text nor the strings its escapes stand for may hold what jsonb refuses.
    expect(UNSTORABLE.test(canonical.json)).toBe(false);
    const strings: string[] = [];
    JSON.parse(canonical.json, (key, value) => {
      strings.push(key, ...(typeof value === 'string' ? [value] : []));
      return value;
    });
    expect(strings.filter((text) => UNSTORABLE.test(text))).toEqual([]);
    expect(unescapeStoredJson(JSON.parse(canonical.json))).toEqual(payload);
    expect(canonicalize(structuredClone(payload), [])).toEqual(canonical);
    expect(canonicalize(unescapeStoredJson(JSON.parse(canonical.json)), [])).toEqual(canonical);
  });

  it('keeps a __proto__ key a key when unescaping', () => {
    const stored = JSON.parse('{"__proto__":{"polluted":"\uffff\\\\u0000"}}');
    const restored = unescapeStoredJson(stored) as Record<string, unknown>;
    expect(Object.keys(restored)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
