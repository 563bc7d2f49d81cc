import type { WindowLimit } from '../slidingWindow';
import type { WriteFamily } from './surface';

// Graph's write limits (notes section 6): Intune writes at most 100 per sliding 20 s per app and
// tenant, answered 429 with Retry-After (seconds until a slot frees); Conditional Access and
// named locations at most 1 request per second per tenant, answered 429 WITHOUT Retry-After.
// The window itself: ../slidingWindow.ts.

export type WriteLimit = WindowLimit;

export const GRAPH_WRITE_LIMITS: Readonly<Record<WriteFamily, WriteLimit>> = {
  intune: { requests: 100, windowMs: 20_000, retryAfter: true },
  conditionalAccess: { requests: 1, windowMs: 1_000, retryAfter: false },
};
