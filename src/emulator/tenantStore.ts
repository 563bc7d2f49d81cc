import { DEFAULT_GRANTS } from './graphSurface';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { POLICY_TYPE_KEYS } from '../graph/policyTypes';
import type { EmulatorFaults } from './faults';
import { Rng } from './prng';
import { TenantObjects } from './tenantObjects';
import { allocate } from './typeMix';
import type { EmulatorTenantSeed } from './types';
import type { WriteFamily } from './writes/surface';
import { SlidingWindow } from './slidingWindow';
import type { WriteLogEntry } from './writes/writeGate';

export const TOKEN_LIFETIME_SECONDS = 3599;

export interface RequestStats {
  total: number;
  byStatus: Record<string, number>;
  since: string;
}

export interface EmulatorTenant {
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  objects: TenantObjects;
  faults: EmulatorFaults;
  /** Overrides the server's collection page size for this tenant. */
  pageSize?: number;
  /**
   * The application permissions the tenant's app holds (admin consent): a set that accepts none
   * of them answers 403. Every read permission unless told otherwise; forbiddenTypes takes types
   * away on top. E.g. DeviceManagementConfiguration.ReadWrite.All adds encrypted values.
   */
  grantedPermissions: string[];
  stats: RequestStats;
  /** Bumped by a revocation: tokens of older generations are rejected. */
  tokenGeneration: number;
  /** Seeded draws for faults and mutations, so a run can be repeated. */
  faultRng: Rng;
  mutationRng: Rng;
  /** Every write request in order (writes/writeGate.ts). */
  writeLog: WriteLogEntry[];
  /** Accepted writes per family in Graph's sliding windows (writes/throttle.ts). */
  writeWindows: Record<WriteFamily, SlidingWindow>;
  /** Accepted requests in the window of the `requestBudget` fault. */
  requestWindow: SlidingWindow;
}

export interface GeneratedTenantSpec {
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
  displayName?: string;
  policies: number;
  pageSize?: number;
  grantedPermissions?: string[];
}

interface IssuedToken {
  tenantKey: string;
  generation: number;
  expiresAt: number;
}

export type TokenCheck =
  | { ok: true; tenant: EmulatorTenant }
  | { ok: false; tenant?: EmulatorTenant; reason: 'unknown' | 'expired' | 'revoked' };

const keyOf = (azureTenantId: string) => azureTenantId.toLowerCase();
const freshStats = (): RequestStats => ({ total: 0, byStatus: {}, since: new Date().toISOString() });

/** Tenants, issued tokens and per-tenant counters and faults. In memory only. */
export class TenantStore {
  private readonly tenants = new Map<string, EmulatorTenant>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly tokenRequestCounts = new Map<string, number>();
  private readonly graphRequestCounts = new Map<string, number>();
  private readonly pendingThrottles = new Map<string, { remaining: number; retryAfterSeconds: number }>();

  has(azureTenantId: string): boolean {
    return this.tenants.has(keyOf(azureTenantId));
  }

  /** A tenant of hand-written objects (the demo tenant, test seeds). Replaces one with that id. */
  add(seed: EmulatorTenantSeed): EmulatorTenant {
    const tenant = this.create(seed);
    for (const key of POLICY_TYPE_KEYS) {
      for (const policy of seed.policies[key] ?? []) tenant.objects.addStatic(key, policy);
    }
    return tenant;
  }

  /** A tenant of `policies` generated objects over every registry type. */
  addGenerated(spec: GeneratedTenantSpec): EmulatorTenant {
    const tenant = this.create({ displayName: `Generated tenant ${spec.azureTenantId}`, ...spec });
    if (spec.pageSize !== undefined) tenant.pageSize = spec.pageSize;
    for (const [key, count] of Object.entries(allocate(spec.policies))) {
      tenant.objects.generate(key as keyof ReturnType<typeof allocate>, count);
    }
    return tenant;
  }

  get(azureTenantId: string): EmulatorTenant | undefined {
    return this.tenants.get(keyOf(azureTenantId));
  }

  setFaults(azureTenantId: string, faults: EmulatorFaults): boolean {
    const tenant = this.get(azureTenantId);
    if (tenant === undefined) return false;
    tenant.faults = { ...faults };
    if (faults.revokeSecret) this.revokeTokens(azureTenantId);
    return true;
  }

  countTokenRequest(azureTenantId: string): void {
    const key = keyOf(azureTenantId);
    this.tokenRequestCounts.set(key, (this.tokenRequestCounts.get(key) ?? 0) + 1);
  }

  tokenRequests(azureTenantId: string): number {
    return this.tokenRequestCounts.get(keyOf(azureTenantId)) ?? 0;
  }

  countGraphRequest(azureTenantId: string): void {
    const key = keyOf(azureTenantId);
    this.graphRequestCounts.set(key, (this.graphRequestCounts.get(key) ?? 0) + 1);
  }

  graphRequests(azureTenantId: string): number {
    return this.graphRequestCounts.get(keyOf(azureTenantId)) ?? 0;
  }

  /** Every Graph response attributable to the tenant (by its token), by status. */
  recordResponse(tenant: EmulatorTenant, status: number): void {
    tenant.stats.total += 1;
    tenant.stats.byStatus[String(status)] = (tenant.stats.byStatus[String(status)] ?? 0) + 1;
  }

  resetStats(tenant: EmulatorTenant): void {
    tenant.stats = freshStats();
  }

  /**
   * A JWT-shaped app-only token as Entra issues it: `roles` lists the app's granted permissions
   * at issue time. The signature is random bytes (nobody verifies Graph tokens client-side); the
   * server looks the token up (revocation, expiry) as before.
   */
  issueToken(tenant: EmulatorTenant): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = part({ typ: 'JWT', alg: 'RS256', kid: 'emulator' });
    const payload = part({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${tenant.azureTenantId}/`,
      iat: now,
      nbf: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
      appid: tenant.clientId,
      idtyp: 'app',
      roles: [...tenant.grantedPermissions],
      tid: tenant.azureTenantId,
      uti: randomBytes(16).toString('base64url'),
    });
    const token = `${header}.${payload}.${randomBytes(64).toString('base64url')}`;
    this.tokens.set(token, {
      tenantKey: keyOf(tenant.azureTenantId),
      generation: tenant.tokenGeneration,
      expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000,
    });
    return token;
  }

  /** The tenant a bearer token was issued for, like Graph reading the token's `tid` claim. */
  checkToken(token: string): TokenCheck {
    const issued = this.tokens.get(token);
    if (issued === undefined) return { ok: false, reason: 'unknown' };
    const tenant = this.tenants.get(issued.tenantKey);
    if (tenant === undefined) return { ok: false, reason: 'unknown' };
    if (issued.expiresAt <= Date.now()) {
      this.tokens.delete(token);
      return { ok: false, tenant, reason: 'expired' };
    }
    if (issued.generation !== tenant.tokenGeneration || tenant.faults.revokeSecret) {
      return { ok: false, tenant, reason: 'revoked' };
    }
    return { ok: true, tenant };
  }

  revokeTokens(azureTenantId: string): void {
    const tenant = this.get(azureTenantId);
    if (tenant !== undefined) tenant.tokenGeneration += 1;
  }

  throttleNext(azureTenantId: string, count: number, retryAfterSeconds: number): void {
    this.pendingThrottles.set(keyOf(azureTenantId), { remaining: count, retryAfterSeconds });
  }

  /** Consumes one pending throttle for the tenant; returns its Retry-After seconds if any. */
  takeThrottle(azureTenantId: string): number | undefined {
    const key = keyOf(azureTenantId);
    const pending = this.pendingThrottles.get(key);
    if (pending === undefined || pending.remaining <= 0) return undefined;
    pending.remaining -= 1;
    if (pending.remaining === 0) this.pendingThrottles.delete(key);
    return pending.retryAfterSeconds;
  }

  private create(spec: Omit<EmulatorTenantSeed, 'policies'>): EmulatorTenant {
    const key = keyOf(spec.azureTenantId);
    const tenant: EmulatorTenant = {
      azureTenantId: spec.azureTenantId,
      clientId: spec.clientId,
      clientSecret: spec.clientSecret,
      displayName: spec.displayName,
      objects: new TenantObjects(key),
      faults: {},
      grantedPermissions: [...new Set([...DEFAULT_GRANTS, ...(spec.grantedPermissions ?? [])])],
      stats: freshStats(),
      tokenGeneration: 0,
      faultRng: new Rng(`${key}|faults`),
      mutationRng: new Rng(`${key}|mutations`),
      writeLog: [],
      writeWindows: { intune: new SlidingWindow(), conditionalAccess: new SlidingWindow() },
      requestWindow: new SlidingWindow(),
    };
    this.tenants.set(key, tenant);
    return tenant;
  }
}

export function secretsEqual(a: string, b: string): boolean {
  // Hash first so timingSafeEqual gets equal lengths and the comparison leaks nothing.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
