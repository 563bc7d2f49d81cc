// A sync's Graph requests all share the activity's one cancellation signal. Each wait (a request,
// a Retry-After, the request budget) may listen to it only while it waits: a listener left behind
// per request grows without bound over a long sync (Node warns past 10 with a
// MaxListenersExceededWarning) and keeps every request's state alive. Real MSAL and undici against
// the in-process Graph emulator; needs neither PostgreSQL nor Temporal.
import { randomUUID } from 'node:crypto';
import { getEventListeners, setMaxListeners } from 'node:events';
import { type GraphEmulator, startGraphEmulator } from '../../src/emulator/server';
import { GraphClientFactory } from '../../src/graph/clientFactory';
import { LISTING_SIGNAL_LISTENERS } from '../../src/graph/graphClient';
import { POLICY_TYPE_KEYS } from '../../src/graph/policyTypes';
import { graphEndpointAllowlist } from '../../src/outbound';

/** Enough for an accumulation to show: Node warns at 11 listeners, the issue saw 1,501. */
const MIN_REQUESTS = 10_000;
const POLICIES = 2_500;
/** At most one listener per request in flight (the item lanes, plus the page's list). */
const LISTENER_BOUND = LISTING_SIGNAL_LISTENERS;
/**
 * Every type but the two whose generated payloads are large (each of their requests costs several
 * times another's): every request goes through the same waits, and the test stays short.
 */
const TYPES = POLICY_TYPE_KEYS.filter((type) => type !== 'settingsCatalog' && type !== 'deviceConfiguration');

describe('the cancellation signal of a long sync', () => {
  let emulator: GraphEmulator;
  let factory: GraphClientFactory;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ port: 0 });
    factory = new GraphClientFactory({
      trustedCaPem: emulator.caPem,
      // Graph's 1,000 requests per 20 s would make this test last minutes; the budget's own
      // waits use the same sleep as the Retry-After waits exercised below.
      requestBudget: { limit: 1_000_000, windowMs: 20_000 },
      endpointAllowlist: graphEndpointAllowlist([new URL(emulator.baseUrl).host]),
    });
  });

  afterAll(async () => {
    await factory.close();
    await emulator.close();
  });

  it(`holds at most a listener per request in flight over ${MIN_REQUESTS} requests`, async () => {
    const tenant = { azureTenantId: randomUUID(), clientId: randomUUID(), clientSecret: `s-${randomUUID()}` };
    emulator.createTenant({ ...tenant, policies: POLICIES });
    const client = await factory.forTenant(`listeners-${tenant.azureTenantId}`, {
      ...tenant,
      graphBaseUrl: emulator.baseUrl,
      loginBaseUrl: emulator.baseUrl,
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const cancellation = new AbortController();
    const { signal } = cancellation;
    // As the sync sets it on its listing signal (src/activities/syncPolicies.ts): its lanes'
    // legitimate listeners do not warn, and a leak past them still does.
    setMaxListeners(LISTENER_BOUND, signal);
    let peak = 0;
    const sample = () => {
      peak = Math.max(peak, getEventListeners(signal, 'abort').length);
    };
    const sampler = setInterval(sample, 5);
    let fetched = 0;
    try {
      // Every type again, as consecutive syncs on one signal would, until enough requests were made.
      while (emulator.stats(tenant.azureTenantId).total < MIN_REQUESTS) {
        // Two 429s (Retry-After 0) per round: the retry waits listen to the signal too.
        emulator.throttleNext(tenant.azureTenantId, 2, 0);
        for (const type of TYPES) {
          for await (const page of client.fetchPolicyPages(type, { signal })) {
            fetched += page.length;
            sample();
          }
        }
      }
      // Let the warning, emitted on process.nextTick, arrive.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      clearInterval(sampler);
      process.off('warning', onWarning);
    }
    expect(emulator.stats(tenant.azureTenantId).total).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(emulator.stats(tenant.azureTenantId).byStatus['429']).toBeGreaterThan(0);
    expect(fetched).toBeGreaterThanOrEqual(POLICIES);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(LISTENER_BOUND);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual(
      [],
    );
    // It ran 16 to 28 s in five runs and once timed out at 120 s in CI, not reproduced: the
    // bound leaves room for a request held to its 60 s deadline (GRAPH_REQUEST_TIMEOUT_SECONDS).
  }, 300_000);
});
