// The diff engine (src/diff) over stored payloads, labelling settings with the stored setting
// definitions' names: what set comparisons, policy histories and baseline compares diff with.
import { storedPayloadDiff } from '../diff';
import type { Db } from './client';
import { settingDefinitionNames } from './settingDefinitions';

/** Its labels are read on the pool (no connection held). */
export const diffBatchOf = (db: Db) => (pairs: Parameters<typeof storedPayloadDiff>[0]) =>
  storedPayloadDiff(pairs, (ids) => settingDefinitionNames(db, ids));
