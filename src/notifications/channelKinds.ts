// What each kind of channel takes, as data: the API checks a channel's fields against its kind
// on create and on every change, and the delivery activity knows which fields to read.
import type { NotificationChannelKind } from '../db/client';

export const CHANNEL_KINDS = [
  'webhook',
  'teams',
  'email',
  'in_app',
] as const satisfies readonly NotificationChannelKind[];

type Need = 'required' | 'refused';

export interface ChannelKindRule {
  url: Need;
  recipients: Need;
  /**
   * Whether the URL may carry a query. A Teams Workflows URL must (its `sig` authorizes posting),
   * and is therefore stored encrypted and shown without it; a webhook authenticates with its
   * signature, so a query (often a token) is refused rather than shown to every reader.
   */
  urlQuery: 'allowed' | 'refused';
  /** A `whsec_` signing secret is generated for it (Standard Webhooks). */
  signingSecret: boolean;
}

export const CHANNEL_KIND_RULES: Record<NotificationChannelKind, ChannelKindRule> = {
  webhook: { url: 'required', recipients: 'refused', urlQuery: 'refused', signingSecret: true },
  teams: { url: 'required', recipients: 'refused', urlQuery: 'allowed', signingSecret: false },
  email: { url: 'refused', recipients: 'required', urlQuery: 'refused', signingSecret: false },
  in_app: { url: 'refused', recipients: 'refused', urlQuery: 'refused', signingSecret: false },
};

/** The fields of `body` its kind refuses or misses; `partial` (a change) misses nothing. */
export function kindFieldProblems(
  kind: NotificationChannelKind,
  body: { url?: string | undefined; recipients?: string[] | undefined },
  partial = false,
): { field: string; message: string }[] {
  const rule = CHANNEL_KIND_RULES[kind];
  const problems: { field: string; message: string }[] = [];
  for (const field of ['url', 'recipients'] as const) {
    const given = body[field] !== undefined;
    if (rule[field] === 'refused' && given)
      problems.push({ field, message: `not taken by ${kind} channels` });
    if (rule[field] === 'required' && !given && !partial)
      problems.push({ field, message: `required for ${kind} channels` });
  }
  if (body.url !== undefined && rule.urlQuery === 'refused' && body.url.includes('?'))
    problems.push({
      field: 'url',
      message: 'must not have a query: the URL is shown to managers; receivers authenticate by the signature',
    });
  return problems;
}
