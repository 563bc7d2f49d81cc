// bench:restore's figures, from the emulator's write log (what reached "Graph" and when) and the
// restore's items: writes per policy, 429s, and each write family's achieved rate against Graph's
// write limit.
import type { WriteLogEntry } from '../src/emulator/writes/writeGate';
import { WRITE_LIMITS } from '../src/restore/recipes';
import type { WriteFamily } from '../src/restore/types';

export interface FamilyFigures {
  /** Writes Graph accepted (anything but a 429). */
  writes: number;
  throttled: number;
  /** First to last accepted write of the family, in ms. */
  spanMs: number;
  /** Accepted writes per second over the span: (writes - 1) intervals / span. */
  perSecond: number;
  /** Graph's limit for the family, writes per second. */
  limitPerSecond: number;
  /** perSecond / limitPerSecond. */
  ratio: number;
}

export interface WriteFigures {
  writes: number;
  throttled: number;
  byFamily: Partial<Record<WriteFamily, FamilyFigures>>;
  /** Accepted writes by method and path shape (ids replaced), most frequent first. */
  shapes: [string, number][];
  /** Writes Graph refused (4xx but 429, 5xx), by status, method and path shape. */
  refused: [string, number][];
}

// Conditional Access policies and named locations share Graph's 1-per-second family
// (src/emulator/writes/throttle.ts); every other restore write is Intune's.
const CONDITIONAL_ACCESS_PATH = /^\/(v1\.0|beta)\/identity\/conditionalAccess\//;
const GUIDISH = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(_[0-9a-z-]+)?/gi;

const familyOf = (entry: WriteLogEntry): WriteFamily =>
  CONDITIONAL_ACCESS_PATH.test(entry.path) ? 'conditionalAccess' : 'intune';

/** The figures of the writes logged at or after `since` (the apply's start). */
export function writeFigures(log: readonly WriteLogEntry[], since: Date): WriteFigures {
  const writes = log.filter((entry) => entry.method !== 'GET' && Date.parse(entry.time) >= since.getTime());
  const accepted = writes.filter((entry) => entry.status !== 429);
  const byFamily: Partial<Record<WriteFamily, FamilyFigures>> = {};
  for (const family of Object.keys(WRITE_LIMITS) as WriteFamily[]) {
    const ofFamily = writes.filter((entry) => familyOf(entry) === family);
    if (ofFamily.length === 0) continue;
    const times = ofFamily
      .filter((entry) => entry.status !== 429)
      .map((entry) => Date.parse(entry.time))
      .sort((a, b) => a - b);
    const spanMs = times.length > 1 ? (times.at(-1) as number) - (times[0] as number) : 0;
    const perSecond = spanMs > 0 ? ((times.length - 1) * 1000) / spanMs : 0;
    const limit = WRITE_LIMITS[family];
    const limitPerSecond = (limit.writes * 1000) / limit.windowMs;
    byFamily[family] = {
      writes: times.length,
      throttled: ofFamily.length - times.length,
      spanMs,
      perSecond,
      limitPerSecond,
      ratio: perSecond / limitPerSecond,
    };
  }
  return {
    writes: accepted.length,
    throttled: writes.length - accepted.length,
    byFamily,
    shapes: tally(accepted.map(shapeOf)),
    refused: tally(accepted.filter((entry) => entry.status >= 400).map((e) => `${e.status} ${shapeOf(e)}`)),
  };
}

const shapeOf = (entry: WriteLogEntry) =>
  `${entry.method} ${entry.path.split('?')[0]?.replace(GUIDISH, '{id}')}`;

function tally(keys: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}
