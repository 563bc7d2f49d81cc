import { digestWindowEnd, newWebhookId } from '../../src/db/notificationEvents';
import {
  DEFAULT_EVENT_TYPES,
  EVENT_TYPES,
  SUBSCRIBABLE_EVENT_TYPES,
} from '../../src/notifications/eventTypes';
import { channelWants, type SubscribingChannel } from '../../src/notifications/subscriptions';

const TENANT = 't-1';
const channel = (overrides: Partial<SubscribingChannel> = {}): SubscribingChannel => ({
  id: 'c-1',
  tenantId: TENANT,
  enabled: true,
  eventTypes: ['backup.changes.detected', 'backup.run.failed', 'tenant.credentials.failing'],
  filters: {},
  ...overrides,
});
const changes = (attributes = {}) => ({
  tenantId: TENANT,
  type: 'backup.changes.detected' as const,
  attributes: { scheduleId: 's-1', policyTypes: ['conditionalAccessPolicy'], changeCount: 3, ...attributes },
});

describe('event types', () => {
  it('are dot-separated lowercase segments, as Standard Webhooks recommends', () => {
    for (const type of Object.keys(EVENT_TYPES)) expect(type).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
  });

  it('leave succeeded runs and the test event out of the defaults', () => {
    expect(DEFAULT_EVENT_TYPES).not.toContain('backup.run.succeeded');
    expect(DEFAULT_EVENT_TYPES).toContain('backup.run.failed');
    expect(SUBSCRIBABLE_EVENT_TYPES).not.toContain('notification.test');
  });
});

describe('channelWants', () => {
  it('takes a subscribed event of its own tenant', () => {
    expect(channelWants(channel(), changes())).toBe(true);
  });

  it('refuses other tenants, unsubscribed types and disabled channels', () => {
    expect(channelWants(channel(), { ...changes(), tenantId: 't-2' })).toBe(false);
    expect(channelWants(channel(), { ...changes(), type: 'backup.run.succeeded' })).toBe(false);
    expect(channelWants(channel({ enabled: false }), changes())).toBe(false);
  });

  it('lets a platform-wide channel hear every tenant', () => {
    expect(channelWants(channel({ tenantId: null }), { ...changes(), tenantId: 't-2' })).toBe(true);
  });

  it('applies schedule, policy type and minimum change filters', () => {
    expect(channelWants(channel({ filters: { scheduleIds: ['s-2'] } }), changes())).toBe(false);
    expect(channelWants(channel({ filters: { scheduleIds: ['s-1', 's-2'] } }), changes())).toBe(true);
    expect(channelWants(channel({ filters: { policyTypes: ['deviceConfiguration'] } }), changes())).toBe(
      false,
    );
    expect(
      channelWants(
        channel({ filters: { policyTypes: ['deviceConfiguration', 'conditionalAccessPolicy'] } }),
        changes(),
      ),
    ).toBe(true);
    expect(channelWants(channel({ filters: { minChangeCount: 4 } }), changes())).toBe(false);
    expect(channelWants(channel({ filters: { minChangeCount: 3 } }), changes())).toBe(true);
  });

  it('ignores filters that do not apply to the event type', () => {
    const failing = { tenantId: TENANT, type: 'tenant.credentials.failing' as const, attributes: {} };
    expect(channelWants(channel({ filters: { minChangeCount: 10, scheduleIds: ['s-9'] } }), failing)).toBe(
      true,
    );
  });
});

describe('digest windows and webhook ids', () => {
  it('end at the next UTC hour or day', () => {
    const now = new Date('2026-11-30T09:41:12.345Z');
    expect(digestWindowEnd('hourly', now).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(digestWindowEnd('daily', now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(digestWindowEnd('hourly', new Date('2026-12-31T23:00:00.000Z')).toISOString()).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });

  it('gives webhook ids without dots (they separate the signed parts)', () => {
    const id = newWebhookId();
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(newWebhookId()).not.toBe(id);
  });
});
