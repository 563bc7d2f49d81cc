// The write recipes name payload fields by dotted paths ('target.groupId'); Graph's annotations
// keep their dot (`@odata.type` is one property name, not two).
import { valueAtSegments } from '../graph/canonical';

export function dottedSegments(path: string): string[] {
  return path
    .replaceAll('@odata.', '@odata\u0000')
    .split('.')
    .map((segment) => segment.replaceAll('\u0000', '.'));
}

/** The value at a dotted path (undefined when any step is missing). */
export function valueAtDottedPath(value: unknown, path: string): unknown {
  return valueAtSegments(value, dottedSegments(path));
}
