import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PolicyTypeKey } from '../graph/policyTypes';
import type { EmulatorPolicy, EmulatorTenantSeed } from './types';

export const TOKEN_LIFETIME_SECONDS = 3599;

interface IssuedToken {
  azureTenantId: string;
  expiresAt: number;
}

/** Tenants, issued tokens and per-tenant counters/fault switches. In memory only. */
export class TenantStore {
  private readonly tenants = new Map<string, EmulatorTenantSeed>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly tokenRequestCounts = new Map<string, number>();
  private readonly graphRequestCounts = new Map<string, number>();
  private readonly pendingThrottles = new Map<string, { remaining: number; retryAfterSeconds: number }>();

  add(seed: EmulatorTenantSeed): void {
    // A private copy, so tests mutating their seed object cannot change what is served.
    this.tenants.set(seed.azureTenantId.toLowerCase(), structuredClone(seed));
  }

  get(azureTenantId: string): EmulatorTenantSeed | undefined {
    return this.tenants.get(azureTenantId.toLowerCase());
  }

  policies(azureTenantId: string, type: PolicyTypeKey): readonly EmulatorPolicy[] {
    return this.get(azureTenantId)?.policies[type] ?? [];
  }

  countTokenRequest(azureTenantId: string): void {
    const key = azureTenantId.toLowerCase();
    this.tokenRequestCounts.set(key, (this.tokenRequestCounts.get(key) ?? 0) + 1);
  }

  tokenRequests(azureTenantId: string): number {
    return this.tokenRequestCounts.get(azureTenantId.toLowerCase()) ?? 0;
  }

  countGraphRequest(azureTenantId: string): void {
    const key = azureTenantId.toLowerCase();
    this.graphRequestCounts.set(key, (this.graphRequestCounts.get(key) ?? 0) + 1);
  }

  graphRequests(azureTenantId: string): number {
    return this.graphRequestCounts.get(azureTenantId.toLowerCase()) ?? 0;
  }

  issueToken(azureTenantId: string): string {
    const token = `emu.${randomBytes(32).toString('base64url')}`;
    this.tokens.set(token, {
      azureTenantId: azureTenantId.toLowerCase(),
      expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000,
    });
    return token;
  }

  /** The tenant a bearer token was issued for, like Graph reading the token's `tid` claim. */
  tenantForToken(token: string): EmulatorTenantSeed | undefined {
    const issued = this.tokens.get(token);
    if (issued === undefined) return undefined;
    if (issued.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return this.tenants.get(issued.azureTenantId);
  }

  revokeTokens(azureTenantId: string): void {
    const key = azureTenantId.toLowerCase();
    for (const [token, issued] of this.tokens) if (issued.azureTenantId === key) this.tokens.delete(token);
  }

  throttleNext(azureTenantId: string, count: number, retryAfterSeconds: number): void {
    this.pendingThrottles.set(azureTenantId.toLowerCase(), { remaining: count, retryAfterSeconds });
  }

  /** Consumes one pending throttle for the tenant; returns its Retry-After seconds if any. */
  takeThrottle(azureTenantId: string): number | undefined {
    const key = azureTenantId.toLowerCase();
    const pending = this.pendingThrottles.get(key);
    if (pending === undefined || pending.remaining <= 0) return undefined;
    pending.remaining -= 1;
    if (pending.remaining === 0) this.pendingThrottles.delete(key);
    return pending.retryAfterSeconds;
  }
}

export function secretsEqual(a: string, b: string): boolean {
  // Hash first so timingSafeEqual gets equal lengths and the comparison leaks nothing.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
