// How a receiver's answer maps to an attempt outcome (Standard Webhooks: 2xx succeeds, 3xx is
// not followed, 410 disables, 429/503 honour Retry-After).
import { parseRetryAfter, resultOf } from '../../src/notifications/transports/http';

describe('resultOf', () => {
  it.each([
    [200, 'succeeded'],
    [204, 'succeeded'],
    [299, 'succeeded'],
    [302, 'failed'],
    [400, 'failed'],
    [410, 'gone'],
    [429, 'throttled'],
    [500, 'failed'],
    [503, 'throttled'],
  ])('%i is %s', (status, outcome) => {
    expect(resultOf(status, undefined).outcome).toBe(outcome);
  });

  it('says a redirect was not followed', () => {
    expect(resultOf(302, undefined).error).toContain('redirects are not followed');
  });

  it('carries Retry-After of a throttled answer', () => {
    expect(resultOf(429, '7').retryAfterMs).toBe(7000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-05T10:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
  });
  it('ignores what it cannot read, and a date in the past waits nothing', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('Sat, 05 Dec 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('waits at most a day', () => {
    expect(parseRetryAfter('9999999', now)).toBe(24 * 60 * 60 * 1000);
  });
});
