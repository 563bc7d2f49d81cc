// What a restore step is built from, read inside the activity: the item, its restore and tenant,
// the backed-up payload unescaped with its secret placeholders replaced by their plain texts
// (encrypted_setting_values). Plain texts live only here and in the request body: never in a
// Temporal payload, a log line, a ledger row or an audit row.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db, Restore, RestoreItem, Tenant } from '../db/client';
import { findSettingValue } from '../db/settingValues';
import { unescapeStoredJson } from '../graph';
import type { PolicyTypeKey } from '../graph/policyTypes';
import type { GraphJson } from '../restore/types';
import { WRITE_RECIPES } from '../restore/recipes';
import type { StepInput } from '../restore/steps';
import { FINGERPRINT_PREFIX, type SettingValueCipher } from '../secrets';

/** What an item's steps are built from (src/restore/steps.ts), as the apply activities fill it. */
export type RestoreStepInput = StepInput;

export interface LoadedItem {
  item: RestoreItem;
  restore: Restore;
  tenant: Tenant;
  policyType: PolicyTypeKey;
}

export async function loadItem(db: Db, restoreId: string, itemId: string): Promise<LoadedItem> {
  const item = await db.restoreItem.findFirst({
    where: { id: itemId, restoreId },
    include: { restore: { include: { tenant: true } } },
  });
  if (!item)
    throw ApplicationFailure.nonRetryable(`restore item ${itemId} does not exist`, 'restore_item_not_found');
  const { restore, ...rest } = item;
  const { tenant, ...restoreRow } = restore;
  return { item: rest, restore: restoreRow, tenant, policyType: item.policyType as PolicyTypeKey };
}

/** The name a create gives the object: the plan's adjustment of the name (as_copy), if any. */
export function createNameOf(
  type: PolicyTypeKey,
  item: Pick<RestoreItem, 'adjustments'>,
): string | undefined {
  const namePath = `/${WRITE_RECIPES[type].nameProperty}`;
  const adjustments = Array.isArray(item.adjustments) ? item.adjustments : [];
  for (const adjustment of adjustments) {
    const { path, to } = (adjustment ?? {}) as { path?: unknown; to?: unknown };
    if (path === namePath && typeof to === 'string') return to;
  }
  return undefined;
}

/**
 * The backed-up payload as Graph would take it: unescaped, each fingerprint replaced by the plain
 * text it stands for. A fingerprint without a stored value fails the item (the plan blocks such
 * items as secret_not_captured; this is the guard should one slip through).
 */
export async function backupBodyOf(
  db: Db,
  cipher: SettingValueCipher,
  tenantId: string,
  payloadHash: string,
): Promise<GraphJson> {
  const payload = await db.backupPayload.findUnique({
    where: { hash: payloadHash },
    select: { content: true },
  });
  if (!payload)
    throw ApplicationFailure.nonRetryable(`backup payload ${payloadHash} is gone`, 'restore_payload_missing');
  const plainTexts = new Map<string, string>();
  for (const fingerprint of fingerprintsIn(payload.content)) {
    const stored = await findSettingValue(db, tenantId, fingerprint);
    if (!stored)
      throw ApplicationFailure.nonRetryable(
        'a secret value of the item was not captured at backup',
        'secret_not_captured',
      );
    plainTexts.set(fingerprint, cipher.open(stored));
  }
  return replaceStrings(unescapeStoredJson(payload.content), plainTexts) as GraphJson;
}

function fingerprintsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string' && value.startsWith(FINGERPRINT_PREFIX)) found.add(value);
  else if (Array.isArray(value)) for (const element of value) fingerprintsIn(element, found);
  else if (value !== null && typeof value === 'object')
    for (const element of Object.values(value)) fingerprintsIn(element, found);
  return found;
}

function replaceStrings(value: unknown, plainTexts: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return plainTexts.get(value) ?? value;
  if (Array.isArray(value)) return value.map((element) => replaceStrings(element, plainTexts));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, element]) => [key, replaceStrings(element, plainTexts)]),
    );
  return value;
}
