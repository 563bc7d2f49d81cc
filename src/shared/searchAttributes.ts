// Typed search-attribute keys. Safe in workflow code (only @temporalio/common).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from './constants';

export const TENANT_ID_KEY = defineSearchAttributeKey(
  SEARCH_ATTRIBUTES.tenantId,
  SearchAttributeType.KEYWORD,
);
export const SCHEDULE_ID_KEY = defineSearchAttributeKey(
  SEARCH_ATTRIBUTES.backupScheduleId,
  SearchAttributeType.KEYWORD,
);
export const TRIGGER_KEY = defineSearchAttributeKey(
  SEARCH_ATTRIBUTES.backupTrigger,
  SearchAttributeType.KEYWORD,
);

/** Set by Temporal on workflows that a schedule started (by its spec or by a trigger). */
export const SCHEDULED_BY_ID_KEY = defineSearchAttributeKey(
  'TemporalScheduledById',
  SearchAttributeType.KEYWORD,
);
export const SCHEDULED_START_TIME_KEY = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);
