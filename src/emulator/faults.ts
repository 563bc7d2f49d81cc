import { z } from 'zod';
import { POLICY_TYPE_KEYS, type PolicyTypeKey } from '../graph/policyTypes';

// Fault injection per tenant, set through the admin API or in-process; `{}` clears them all.

const policyTypeKey = z.enum(POLICY_TYPE_KEYS);

export const faultsSchema = z.strictObject({
  /** Share of Graph requests answered 429 with Retry-After. */
  rate429: z.number().min(0).max(1).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  /** Share of Graph requests answered 503 (with Retry-After) or 504. */
  rate5xx: z.number().min(0).max(1).optional(),
  /** Added before every Graph response. */
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  /** 403 on these types' collections and every request below them (permission missing). */
  forbiddenTypes: z.array(policyTypeKey).optional(),
  /**
   * A tenant without these types' feature (a license or service it lacks): their collections and
   * every request below them answer Graph's 400 "Resource not found for the segment '<set>'".
   */
  unsupportedTypes: z.array(policyTypeKey).optional(),
  /** These types' collections serve a first page whose nextLink answers 400. */
  brokenNextLinkTypes: z.array(policyTypeKey).optional(),
  /** Inline `$expand`ed lists longer than this are paged with `<property>@odata.nextLink`. */
  inlineExpansionPageSize: z.number().int().min(1).max(1000).optional(),
  /**
   * A tenant whose Graph refuses list-level `$expand` on these types' collections: any `$expand`
   * on their listings answers the 400 of a non-expandable property (items still expand).
   */
  refuseListExpansionTypes: z.array(policyTypeKey).optional(),
  /**
   * List-level `$expand` on these types' collections is accepted and every item gets an empty
   * list, as Graph does for scope tags' assignments (IntuneManagement): nothing says it is wrong.
   */
  emptyListExpansionTypes: z.array(policyTypeKey).optional(),
  /**
   * Microsoft re-publishes its catalog: definitions (NavigationRule.catalog) carry this revision
   * in their `version`, while no object of the tenant changes.
   */
  catalogRevision: z.number().int().min(0).max(1_000_000).optional(),
  /**
   * Writes are performed, then their response is lost: 503, 504 or a reset connection (the
   * client's "lost connection"), for the `next` N writes or a share `rate` of them. What makes a
   * retried create dangerous.
   */
  dropWriteResponses: z
    .strictObject({
      next: z.number().int().min(0).max(10_000).optional(),
      rate: z.number().min(0).max(1).optional(),
      as: z.enum(['503', '504', 'reset']).optional(),
    })
    .optional(),
  /** A created object is not listed (nor found by $filter) for this long; its id answers a GET. */
  createVisibilityDelayMs: z.number().int().min(0).max(600_000).optional(),
  /** Replaces Graph's write limits (writes/throttle.ts); `requests: 0` turns a family's limit off. */
  writeLimits: z
    .strictObject({
      intune: z
        .strictObject({ requests: z.number().int().min(0), windowMs: z.number().int().min(1) })
        .optional(),
      conditionalAccess: z
        .strictObject({ requests: z.number().int().min(0), windowMs: z.number().int().min(1) })
        .optional(),
    })
    .optional(),
  /**
   * Graph's read budget per app and tenant (about 1,000 requests per 20 s for Intune), off
   * unless set: every Graph request of the tenant, each $batch sub-request on its own, counts
   * in a sliding window; beyond it 429 TooManyRequests with Retry-After (./slidingWindow.ts).
   */
  requestBudget: z
    .strictObject({ requests: z.number().int().min(1), windowMs: z.number().int().min(1) })
    .optional(),
  /** The secret stops working and every issued token is rejected. */
  revokeSecret: z.boolean().optional(),
});

export type EmulatorFaults = z.infer<typeof faultsSchema>;

export const DEFAULT_RETRY_AFTER_SECONDS = 1;

export type InjectedFault =
  | { kind: '429'; retryAfterSeconds: number }
  | { kind: '503'; retryAfterSeconds: number }
  | { kind: '504' };

/** The transient fault (if any) this request draws; `draw` is uniform in [0, 1). */
export function drawTransientFault(faults: EmulatorFaults, draw: () => number): InjectedFault | undefined {
  const retryAfterSeconds = faults.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  if (faults.rate429 && draw() < faults.rate429) return { kind: '429', retryAfterSeconds };
  if (faults.rate5xx && draw() < faults.rate5xx) {
    return draw() < 0.5 ? { kind: '503', retryAfterSeconds } : { kind: '504' };
  }
  return undefined;
}

export function includesType(list: readonly PolicyTypeKey[] | undefined, type: PolicyTypeKey): boolean {
  return list?.includes(type) ?? false;
}
