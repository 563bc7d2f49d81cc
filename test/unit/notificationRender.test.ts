// Renderers of notifications: pure functions from an event (or several) to the bytes a receiver
// gets. The Teams card's schema validity is checked against the real schema in the integration test.
import { Webhook } from 'standardwebhooks';
import { escapeHtml, renderEmail } from '../../src/notifications/render/email';
import {
  DIGEST_EVENT_TYPE,
  renderDigestEnvelope,
  renderEnvelope,
} from '../../src/notifications/render/envelope';
import { MAX_LINES, summarizeDigest, summarizeEvent } from '../../src/notifications/render/summary';
import { renderTeamsMessage } from '../../src/notifications/render/teams';
import { type EventEnvelope, MAX_EVENT_BYTES } from '../../src/notifications/types';
import { webhookHeaders } from '../../src/notifications/transports/webhook';

const tenantId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const runId = '550e8400-e29b-41d4-a716-446655440000';
const failed: EventEnvelope = {
  type: 'backup.run.failed',
  timestamp: '2026-12-05T02:00:00.000Z',
  data: { tenantId, tenantName: 'Contoso <script>', runId, errorCode: 'graph_auth_failed' },
};

describe('the webhook envelope', () => {
  it('is {type, timestamp, data} and signs to what standardwebhooks verifies, byte for byte', () => {
    const body = renderEnvelope(failed);
    expect(JSON.parse(body)).toEqual({ type: failed.type, timestamp: failed.timestamp, data: failed.data });
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const headers = webhookHeaders('msg_1', body, { current: secret }, new Date());
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('carries one signature per secret during a rotation', () => {
    const current = `whsec_${Buffer.from('a'.repeat(32)).toString('base64')}`;
    const previous = `whsec_${Buffer.from('b'.repeat(32)).toString('base64')}`;
    const headers = webhookHeaders('msg_1', '{}', { current, previous }, new Date());
    const signatures = headers['webhook-signature']!.split(' ');
    expect(signatures).toHaveLength(2);
    for (const [index, secret] of [current, previous].entries())
      expect(() =>
        new Webhook(secret).verify('{}', { ...headers, 'webhook-signature': signatures[index]! }),
      ).not.toThrow();
  });

  it('keeps a digest under 20 KB and says how many events it left out', () => {
    const many = Array.from({ length: 400 }, (_, index) => ({
      ...failed,
      data: { ...failed.data, padding: 'x'.repeat(200), index },
    }));
    const body = renderDigestEnvelope(many, failed.timestamp);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    const parsed = JSON.parse(body);
    expect(parsed.type).toBe(DIGEST_EVENT_TYPE);
    expect(parsed.data.count).toBe(400);
    expect(parsed.data.omitted).toBe(400 - parsed.data.events.length);
    expect(parsed.data.omitted).toBeGreaterThan(0);
  });
});

describe('summaries', () => {
  it('title the event by type, list its facts and link to the run in the API', () => {
    const summary = summarizeEvent(failed, 'https://vault.example.com/');
    expect(summary.title).toBe('Backup run failed for Contoso <script>');
    expect(summary.facts).toContainEqual(['Error', 'graph_auth_failed']);
    expect(summary.link).toBe(`https://vault.example.com/v1/tenants/${tenantId}/runs/${runId}`);
  });

  it('link to the tenant when the event names no run', () => {
    const summary = summarizeEvent({ ...failed, data: { tenantId } }, 'http://localhost:3000');
    expect(summary.link).toBe(`http://localhost:3000/v1/tenants/${tenantId}`);
  });

  it('cut long change lists and say how many were left out', () => {
    const changes = Array.from({ length: 50 }, (_, index) => ({
      label: `Setting ${index}`,
      change: 'modified',
    }));
    const summary = summarizeEvent(
      { ...failed, type: 'backup.changes.detected', data: { tenantId, changes } },
      'http://x',
    );
    expect(summary.lines).toHaveLength(MAX_LINES + 1);
    expect(summary.lines.at(-1)).toBe(`… and ${50 - MAX_LINES} more`);
  });

  it('summarize a digest as one message listing each event', () => {
    const events = [
      failed,
      { ...failed, type: 'backup.run.partial' },
      { ...failed, type: 'tenant.credentials.failing' },
    ];
    const summary = summarizeDigest(events, 'http://x');
    expect(summary.title).toBe('TenantVault digest: 3 events');
    expect(summary.lines).toHaveLength(3);
    expect(summary.lines[2]).toContain('Microsoft Graph credentials of Contoso <script> are failing');
  });
});

describe('the Teams message', () => {
  it('is one Adaptive Card attachment with the title, facts and a link back', () => {
    const message = JSON.parse(renderTeamsMessage(summarizeEvent(failed, 'http://x')));
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = message.attachments[0].content;
    expect(card.type).toBe('AdaptiveCard');
    expect(card.body[0].text).toBe('Backup run failed for Contoso <script>');
    expect(card.actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Open in TenantVault',
        url: `http://x/v1/tenants/${tenantId}/runs/${runId}`,
      },
    ]);
  });
});

describe('the e-mail', () => {
  it('escapes every value in the HTML and keeps the text plain', () => {
    const email = renderEmail(summarizeEvent(failed, 'http://x'));
    expect(email.subject).toBe('[TenantVault] Backup run failed for Contoso <script>');
    expect(email.text).toContain('Tenant: Contoso <script>');
    expect(email.html).toContain('Contoso &lt;script&gt;');
    expect(email.html).not.toContain('<script>');
  });

  it('has a one-line subject whatever the names hold', () => {
    const email = renderEmail({
      title: 'a\r\nBcc: someone@example.com',
      facts: [],
      lines: [],
      link: 'http://x',
    });
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('escapes quotes so a value cannot leave an attribute', () => {
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });
});
