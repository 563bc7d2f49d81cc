import { createHash } from 'node:crypto';
import { canonicalize } from '../../src/graph/canonical';
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
