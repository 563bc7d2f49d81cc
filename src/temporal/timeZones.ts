// Which time zone names a schedule may use: those the Temporal server resolves (Go's tz
// database, ./goZoneNames.ts) and that Node's ICU knows too, since the worker reads a run's
// local time with Intl (scheduleOptions.ts isScheduledFireTime). Intl alone accepts names Go
// refused, e.g. "US/Pacific-New" or "SystemV/AST4": such a schedule was stored but never ran.
import { GO_ZONE_NAMES } from './goZoneNames';

const byLowerCase = new Map(GO_ZONE_NAMES.map((name) => [name.toLowerCase(), name]));

/**
 * The name as Temporal spells it (Go matches names exactly: "europe/berlin" is "Europe/Berlin"),
 * or null when Temporal or ICU does not know it.
 */
export function temporalTimeZone(name: string): string | null {
  const spelled = byLowerCase.get(name.toLowerCase());
  if (spelled === undefined) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: spelled });
    return spelled;
  } catch {
    return null;
  }
}
