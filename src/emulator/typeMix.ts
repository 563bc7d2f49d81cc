import { POLICY_TYPE_KEYS, type PolicyTypeKey } from '../graph/policyTypes';
import { GENERATORS } from './generators';

/**
 * Splits `total` objects over `types` by the generators' weights (largest remainder, so the sum
 * is exact). With at least one object per type available, every type gets at least one, so a
 * generated tenant exercises every registry path.
 */
export function allocate(
  total: number,
  types: readonly PolicyTypeKey[] = POLICY_TYPE_KEYS,
): Record<PolicyTypeKey, number> {
  const counts = Object.fromEntries(POLICY_TYPE_KEYS.map((key) => [key, 0])) as Record<PolicyTypeKey, number>;
  if (types.length === 0 || total <= 0) return counts;
  const floor = total >= types.length ? 1 : 0;
  for (const key of types) counts[key] = floor;
  const rest = total - floor * types.length;
  const weightSum = types.reduce((sum, key) => sum + GENERATORS[key].weight, 0);
  const shares = types.map((key) => ({ key, exact: (rest * GENERATORS[key].weight) / weightSum }));
  let assigned = 0;
  for (const share of shares) {
    const whole = Math.floor(share.exact);
    counts[share.key] += whole;
    assigned += whole;
  }
  shares.sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)));
  for (let i = 0; i < rest - assigned; i++) {
    const share = shares[i % shares.length];
    if (share) counts[share.key] += 1;
  }
  return counts;
}
