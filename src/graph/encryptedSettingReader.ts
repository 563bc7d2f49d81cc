import { GraphProtocolError, GraphRequestError } from './errors';
import { type EncryptedSettingRule, encryptedSettingsOf, plainTextCall } from './encryptedSettings';
import type { GraphHttp, GraphObject } from './graphHttp';

/**
 * An item's encrypted setting values: the plain texts by index in the rule's property, or not
 * readable (the tenant did not grant the permission). The plain texts never go into the payload.
 */
export type EncryptedSettingValues =
  | { readable: true; plainTexts: ReadonlyMap<number, string> }
  | { readable: false };

const DENIED = Symbol('denied');

/**
 * Reads the encrypted setting values of one type's fetch (./encryptedSettings.ts). Whether the
 * tenant granted the permission is found out, not configured: the first request is a probe the
 * others wait for, and a 403 (on it or later) stops every further request of this fetch, so a
 * tenant without the permission costs one 403, not one per setting. Other errors are the item's,
 * after GraphHttp's retries, and fail the type as any item request does.
 */
export class EncryptedSettingReader {
  private state: 'unknown' | 'granted' | 'denied' = 'unknown';
  private probe: Promise<void> | undefined;

  constructor(
    private readonly http: GraphHttp,
    private readonly rule: EncryptedSettingRule,
  ) {}

  /** Undefined when the item has no encrypted setting. `itemUrl`: the item's URL, no query. */
  async read(
    itemUrl: string,
    item: GraphObject,
    signal?: AbortSignal,
  ): Promise<EncryptedSettingValues | undefined> {
    const settings = encryptedSettingsOf(item, this.rule);
    if (settings.length === 0) return undefined;
    const plainTexts = new Map<number, string>();
    for (const { index, reference } of settings) {
      if (reference === undefined || this.state === 'denied') return { readable: false };
      const plain = await this.plainText(`${itemUrl}/${plainTextCall(this.rule, reference)}`, signal);
      if (plain === DENIED) return { readable: false };
      plainTexts.set(index, plain);
    }
    return { readable: true, plainTexts };
  }

  private async plainText(url: string, signal?: AbortSignal): Promise<string | typeof DENIED> {
    for (;;) {
      if (this.state === 'denied') return DENIED;
      if (this.state === 'granted') return this.request(url, signal);
      if (this.probe) {
        await this.probe;
        continue;
      }
      let release = () => {};
      this.probe = new Promise<void>((resolve) => {
        release = resolve;
      });
      try {
        const plain = await this.request(url, signal);
        if (plain !== DENIED) this.state = 'granted';
        return plain;
      } finally {
        this.probe = undefined;
        release();
      }
    }
  }

  private async request(url: string, signal?: AbortSignal): Promise<string | typeof DENIED> {
    let body: GraphObject;
    try {
      body = await this.http.getJson(url, 'item', signal);
    } catch (error) {
      if (!(error instanceof GraphRequestError) || error.status !== 403) throw error;
      this.state = 'denied';
      return DENIED;
    }
    if (typeof body.value !== 'string') {
      throw new GraphProtocolError(
        `${this.rule.plainTextFunction} answered without a string "value"`,
        new URL(url).pathname,
      );
    }
    return body.value;
  }
}
