// Encrypted setting values between Graph and the page write: which settings are encrypted, how
// the fetch reads them (one probe, one 403 per type), how a payload is sealed, and the warning.
import {
  MAX_WARNING_POLICIES,
  sealEncryptedSettings,
  unreadableValuesWarning,
} from '../../src/activities/encryptedSettings';
import {
  ENCRYPTED_SETTINGS,
  encryptedSettingsOf,
  type FetchedPolicy,
  GraphRequestError,
  plainTextCall,
} from '../../src/graph';
import { EncryptedSettingReader } from '../../src/graph/encryptedSettingReader';
import type { GraphHttp, GraphObject } from '../../src/graph/graphHttp';
import { generateKeyRing, SettingValueCipher } from '../../src/secrets';

const rule = ENCRYPTED_SETTINGS.deviceConfiguration!;
const ITEM = 'https://graph.example/beta/deviceManagement/deviceConfigurations/p1';

function profile(...settings: GraphObject[]): GraphObject {
  return { id: 'p1', '@odata.type': '#microsoft.graph.windows10CustomConfiguration', omaSettings: settings };
}
const encrypted = (ref: string | null, value = '****') => ({
  omaUri: `./Device/${ref}`,
  isEncrypted: true,
  secretReferenceValueId: ref,
  value,
});
const plain = (value: unknown) => ({
  omaUri: './Device/Plain',
  isEncrypted: false,
  secretReferenceValueId: null,
  value,
});

/** A GraphHttp that answers from `answer(url)` and records the URLs asked for. */
function fakeHttp(answer: (url: string) => GraphObject | Error) {
  const urls: string[] = [];
  const http = {
    async getJson(url: string) {
      urls.push(url);
      await new Promise((resolve) => setImmediate(resolve));
      const result = answer(url);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as GraphHttp;
  return { http, urls };
}

const forbidden = (url: string) =>
  new GraphRequestError('Graph GET failed with 403 Forbidden', {
    status: 403,
    path: new URL(url).pathname,
    scope: 'item',
  });

describe('encrypted settings of an item', () => {
  it('are the settings marked isEncrypted, by index, with their reference', () => {
    const item = { ...profile(plain(1), encrypted('r1'), encrypted(null), { isEncrypted: 'true' }) };
    (item.omaSettings as unknown[]).push('junk', null);
    expect(encryptedSettingsOf(item, rule)).toEqual([
      { index: 1, reference: 'r1' },
      { index: 2, reference: undefined },
    ]);
    expect(encryptedSettingsOf({ id: 'x' }, rule)).toEqual([]);
  });

  it('are read with an OData function call, the reference a quoted literal', () => {
    expect(plainTextCall(rule, "a_b'c")).toBe("getOmaSettingPlainTextValue(secretReferenceValueId='a_b''c')");
    expect(plainTextCall(rule, 'a/b?c')).toBe(
      "getOmaSettingPlainTextValue(secretReferenceValueId='a%2Fb%3Fc')",
    );
  });
});

describe('EncryptedSettingReader', () => {
  it('reads every encrypted value of an item when the tenant grants the permission', async () => {
    const { http, urls } = fakeHttp((url) => ({ value: `plain of ${url.slice(-4, -2)}` }));
    const read = await new EncryptedSettingReader(http, rule).read(
      ITEM,
      profile(encrypted('r1'), plain(3), encrypted('r2')),
    );
    expect(read).toEqual({
      readable: true,
      plainTexts: new Map([
        [0, 'plain of r1'],
        [2, 'plain of r2'],
      ]),
    });
    expect(urls).toEqual([
      `${ITEM}/getOmaSettingPlainTextValue(secretReferenceValueId='r1')`,
      `${ITEM}/getOmaSettingPlainTextValue(secretReferenceValueId='r2')`,
    ]);
  });

  it('asks nothing for an item without encrypted settings', async () => {
    const { http, urls } = fakeHttp(() => ({ value: 'x' }));
    expect(await new EncryptedSettingReader(http, rule).read(ITEM, profile(plain(1)))).toBeUndefined();
    expect(urls).toEqual([]);
  });

  it('costs one 403 for a whole fetch, however many items ask at once', async () => {
    const { http, urls } = fakeHttp(forbidden);
    const reader = new EncryptedSettingReader(http, rule);
    const items = Array.from({ length: 8 }, (_, i) => profile(encrypted(`a${i}`), encrypted(`b${i}`)));
    const reads = await Promise.all(items.map((item) => reader.read(ITEM, item)));
    expect(reads).toEqual(items.map(() => ({ readable: false })));
    expect(urls).toHaveLength(1);
  });

  it("reads the other items' values once the probe succeeded", async () => {
    const { http, urls } = fakeHttp(() => ({ value: 'v' }));
    const reader = new EncryptedSettingReader(http, rule);
    const reads = await Promise.all([1, 2, 3].map((i) => reader.read(ITEM, profile(encrypted(`r${i}`)))));
    expect(reads.every((read) => read?.readable)).toBe(true);
    expect(urls).toHaveLength(3);
  });

  it('makes an item unreadable when a setting has no reference, and when the permission goes midway', async () => {
    let calls = 0;
    const { http } = fakeHttp((url) => (++calls > 1 ? forbidden(url) : { value: 'v' }));
    const reader = new EncryptedSettingReader(http, rule);
    expect(await reader.read(ITEM, profile(encrypted(null)))).toEqual({ readable: false });
    expect(await reader.read(ITEM, profile(encrypted('r1'), encrypted('r2')))).toEqual({ readable: false });
  });

  it('lets other errors fail the item, and a next item probe again', async () => {
    let calls = 0;
    const { http } = fakeHttp((url) =>
      ++calls === 1
        ? new GraphRequestError('404', { status: 404, path: new URL(url).pathname, scope: 'item' })
        : { value: 'v' },
    );
    const reader = new EncryptedSettingReader(http, rule);
    await expect(reader.read(ITEM, profile(encrypted('r1')))).rejects.toThrow(GraphRequestError);
    expect(await reader.read(ITEM, profile(encrypted('r1')))).toMatchObject({ readable: true });
  });

  it('refuses an answer without a string value', async () => {
    const { http } = fakeHttp(() => ({ value: 3 }));
    await expect(new EncryptedSettingReader(http, rule).read(ITEM, profile(encrypted('r1')))).rejects.toThrow(
      /without a string "value"/,
    );
  });
});

describe('sealing a fetched policy', () => {
  const cipher = new SettingValueCipher(generateKeyRing('k'));
  const seal = { tenantId: 'tenant-1', cipher };
  const fetched = (
    payload: GraphObject,
    encryptedSettings?: FetchedPolicy['encryptedSettings'],
  ): FetchedPolicy => ({
    graphId: 'p1',
    displayName: 'Custom',
    lastModified: null,
    payload,
    ...(encryptedSettings ? { encryptedSettings } : {}),
  });

  it('replaces each value read by its fingerprint and keeps the rest as Graph sent it', () => {
    const payload = profile(encrypted('r1'), plain(3), encrypted('r2'));
    const before = structuredClone(payload);
    const plainTexts = new Map([
      [0, 'first secret'],
      [2, 'second secret'],
    ]);
    const sealed = sealEncryptedSettings(fetched(payload, { readable: true, plainTexts }), rule, seal);

    expect(payload).toEqual(before);
    const settings = sealed.payload.omaSettings as GraphObject[];
    expect(settings[0]).toEqual({
      ...encrypted('r1'),
      value: cipher.fingerprint('tenant-1', 'first secret'),
    });
    expect(settings[1]).toEqual(plain(3));
    expect(settings[2]).toEqual({
      ...encrypted('r2'),
      value: cipher.fingerprint('tenant-1', 'second secret'),
    });
    expect(JSON.stringify(sealed.payload)).not.toContain('secret"');
    expect(sealed.values.map((value) => cipher.open(value))).toEqual(['first secret', 'second secret']);
  });

  it('leaves a payload whose values were not read (or that has none) as it is', () => {
    const payload = profile(encrypted('r1'));
    expect(sealEncryptedSettings(fetched(payload, { readable: false }), rule, seal)).toEqual({
      payload,
      values: [],
    });
    expect(sealEncryptedSettings(fetched(payload), rule, seal)).toEqual({ payload, values: [] });
    expect(sealEncryptedSettings(fetched(payload), undefined, seal)).toEqual({ payload, values: [] });
  });
});

describe('the warning of unreadable values', () => {
  it('names the permission and the policies, at most MAX_WARNING_POLICIES of them, with the exact count', () => {
    const policies = new Map(
      Array.from({ length: MAX_WARNING_POLICIES + 3 }, (_, i) => [`id-${i}`, `Policy ${i}`]),
    );
    const warning = unreadableValuesWarning(rule, policies);
    expect(warning).toMatchObject({
      code: 'encrypted_values_not_readable',
      requiredPermission: 'DeviceManagementConfiguration.ReadWrite.All',
      message: expect.stringMatching(/^DeviceManagementConfiguration\.ReadWrite\.All not granted: /),
      count: MAX_WARNING_POLICIES + 3,
    });
    expect(warning?.policies).toHaveLength(MAX_WARNING_POLICIES);
    expect(warning?.policies[0]).toEqual({ graphId: 'id-0', displayName: 'Policy 0' });
  });

  it('is absent when every value was read', () => {
    expect(unreadableValuesWarning(rule, new Map())).toBeUndefined();
    expect(unreadableValuesWarning(undefined, new Map([['a', 'b']]))).toBeUndefined();
  });
});
