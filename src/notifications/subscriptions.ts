// Which channels an event goes to: the channel is enabled, subscribed to the type, and every
// filter that applies to the type lets the event through. Pure, so the rules are tested alone.
import { EVENT_TYPES, type EventType } from './eventTypes';
import type { ChannelFilters, EventAttributes } from './types';

export interface SubscribingChannel {
  id: string;
  tenantId: string | null;
  enabled: boolean;
  eventTypes: string[];
  filters: ChannelFilters;
}

export function channelWants(
  channel: SubscribingChannel,
  event: { tenantId: string | null; type: EventType; attributes: EventAttributes },
): boolean {
  if (!channel.enabled) return false;
  // A tenant's channel hears its own tenant only; a platform-wide one hears every tenant.
  if (channel.tenantId !== null && channel.tenantId !== event.tenantId) return false;
  if (!channel.eventTypes.includes(event.type)) return false;
  const applies = new Set<string>(EVENT_TYPES[event.type].filters);
  const { scheduleIds, policyTypes, minChangeCount } = channel.filters;
  const { attributes } = event;
  if (applies.has('scheduleIds') && scheduleIds?.length && attributes.scheduleId !== undefined)
    if (!scheduleIds.includes(attributes.scheduleId)) return false;
  if (applies.has('policyTypes') && policyTypes?.length && attributes.policyTypes !== undefined)
    if (!attributes.policyTypes.some((type) => policyTypes.includes(type))) return false;
  if (applies.has('minChangeCount') && minChangeCount !== undefined && attributes.changeCount !== undefined)
    if (attributes.changeCount < minChangeCount) return false;
  return true;
}
