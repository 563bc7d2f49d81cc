// A Teams message for the Workflows app's "Post to a channel when a webhook request is received"
// template: the Bot Framework message shape with one Adaptive Card attachment, which the
// template posts as `attachments[0].content`. Teams Workflows take Adaptive Cards only (the old
// MessageCard of Office 365 connectors is refused). Version 1.4: what Teams renders everywhere,
// mobile included.
import type { MessageSummary } from './summary';

export const ADAPTIVE_CARD_VERSION = '1.4';

export function renderTeamsMessage(summary: MessageSummary): string {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: summary.title, weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: summary.facts.map(([title, value]) => ({ title, value })) },
  ];
  if (summary.lines.length > 0)
    body.push(
      ...summary.lines.map((line) => ({ type: 'TextBlock', text: line, wrap: true, spacing: 'Small' })),
    );
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    body,
    actions: [{ type: 'Action.OpenUrl', title: 'Open in TenantVault', url: summary.link }],
  };
  return JSON.stringify({
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  });
}
