// Test access to the Graph emulator from outside our code: its admin API, and plain Graph reads
// (a raw token request and raw paging, no MSAL, no GraphClient) to count what a sync should get.
import { randomUUID } from 'node:crypto';
import { Agent, fetch } from 'undici';
import type { Tenant } from '../../src/db/client';
import { getObject, patchObject, shuffleTenant } from '../../src/emulator/adminClient';
import type { MutationResult } from '../../src/emulator/mutations';
import type { WriteLogEntry } from '../../src/emulator/writes/writeGate';
import type { PolicyTypeKey } from '../../src/graph';
import { eventually, type TestStack, type TestStackOptions, useTestStack } from './stack';
import { emulatorToken } from './emulatorToken';

export interface EmulatedTenant {
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface EmulatorFaults {
  rate429?: number;
  retryAfterSeconds?: number;
  rate5xx?: number;
  latencyMs?: number;
  forbiddenTypes?: PolicyTypeKey[];
  unsupportedTypes?: PolicyTypeKey[];
  brokenNextLinkTypes?: PolicyTypeKey[];
  inlineExpansionPageSize?: number;
  catalogRevision?: number;
  revokeSecret?: boolean;
  /** Writes performed whose answer is lost (src/emulator/faults.ts). */
  dropWriteResponses?: { next?: number; rate?: number; as?: '503' | '504' | 'reset' };
  createVisibilityDelayMs?: number;
  writeLimits?: Record<string, { requests: number; windowMs: number }>;
}

/** One write the emulator received. */
export type EmulatorWrite = WriteLogEntry;

export class EmulatorAdmin {
  private readonly agent: Agent;

  constructor(
    private readonly stack: TestStack,
    caPem: string,
  ) {
    this.agent = new Agent({ connect: { ca: caPem } });
  }

  /**
   * A generated tenant in the emulator only, whose app accepts `clientSecret`. The tenant id
   * seeds what is generated: a fixed one gives the same objects on every run.
   */
  async createEmulatedTenant(
    policies: number,
    clientSecret = `s-${randomUUID()}`,
    azureTenantId: string = randomUUID(),
  ): Promise<EmulatedTenant> {
    const emulated = { azureTenantId, clientId: randomUUID(), clientSecret };
    await this.request('POST', '/_emulator/tenants', { ...emulated, policies }, 201);
    return emulated;
  }

  /** A generated tenant in the emulator, and its row in our database pointing at it. */
  async createTenant(
    policies: number,
    azureTenantId?: string,
  ): Promise<{ emulated: EmulatedTenant; tenant: Tenant }> {
    const emulated = await this.createEmulatedTenant(policies, undefined, azureTenantId);
    const id = randomUUID();
    const tenant = await this.stack.db.tenant.create({
      data: {
        id,
        // Our row's id too: test files of one run share the database and may pick Azure ids
        // with the same first characters (fixed ids of two files collided on the slug).
        slug: `gen-${emulated.azureTenantId.slice(0, 8)}-${id.slice(0, 8)}`,
        displayName: `Generated ${policies}`,
        azureTenantId: emulated.azureTenantId,
        clientId: emulated.clientId,
        ...this.stack.secrets.encrypt(id, emulated.clientSecret),
        graphBaseUrl: this.stack.emulator.baseUrl,
        loginBaseUrl: this.stack.emulator.baseUrl,
        // As the stack's tenant (see stack.ts): tests make sets seconds apart.
        retentionGraceDays: 0,
      },
    });
    return { emulated, tenant };
  }

  /**
   * A generated tenant in the emulator, registered through the API (POST /v1/tenants) as an
   * operator would; returns the API's tenant.
   */
  async createTenantThroughApi(
    policies: number,
    clientSecret?: string,
  ): Promise<{ emulated: EmulatedTenant; tenant: { id: string; slug: string } }> {
    const emulated = await this.createEmulatedTenant(policies, clientSecret);
    const created = await this.stack.api('/v1/tenants', {
      method: 'POST',
      body: {
        slug: `api-${emulated.azureTenantId.slice(0, 8)}`,
        displayName: `Registered ${policies}`,
        ...emulated,
        graphBaseUrl: this.stack.emulator.baseUrl,
        loginBaseUrl: this.stack.emulator.baseUrl,
      },
    });
    if (created.status !== 201) throw new Error(`tenant not created: ${JSON.stringify(created.body)}`);
    return { emulated, tenant: created.body };
  }

  async counts(azureTenantId: string): Promise<Record<PolicyTypeKey, number>> {
    const body = await this.request('GET', `/_emulator/tenants/${azureTenantId}/counts`, undefined, 200);
    return (body as { counts: Record<PolicyTypeKey, number> }).counts;
  }

  async setFaults(azureTenantId: string, faults: EmulatorFaults): Promise<void> {
    await this.request('PUT', `/_emulator/tenants/${azureTenantId}/faults`, faults, 200);
  }

  /** Every permission the tenant's app holds from now on (by default: every read permission). */
  async writes(azureTenantId: string): Promise<EmulatorWrite[]> {
    const body = await this.request('GET', `/_emulator/tenants/${azureTenantId}/writes`, undefined, 200);
    return (body as { writes: EmulatorWrite[] }).writes;
  }

  async setGrants(azureTenantId: string, permissions: string[]): Promise<void> {
    await this.request('PUT', `/_emulator/tenants/${azureTenantId}/grants`, { permissions }, 200);
  }

  /** Microsoft moves a settings catalog template of this tenant to `lifecycleState` (e.g. retires it). */
  async setTemplateLifecycle(
    azureTenantId: string,
    templateId: string,
    lifecycleState: string,
  ): Promise<void> {
    const body = { templateId, lifecycleState };
    await this.request('PUT', `/_emulator/tenants/${azureTenantId}/template-lifecycle`, body, 200);
  }

  /** A new plain text for an encrypted setting (by omaUri) of a hand-written policy. */
  async setEncryptedValue(
    azureTenantId: string,
    change: { type: PolicyTypeKey; policyId: string; omaUri: string; value: string },
  ): Promise<void> {
    await this.request('PUT', `/_emulator/tenants/${azureTenantId}/encrypted-values`, change, 204);
  }

  /** Changes exactly that many objects; returns the Graph ids per type of what changed. */
  async mutate(
    azureTenantId: string,
    change: { add?: number; modify?: number; remove?: number; types?: PolicyTypeKey[]; actor?: string },
  ): Promise<MutationResult> {
    return (await this.request(
      'POST',
      `/_emulator/tenants/${azureTenantId}/mutate`,
      change,
      200,
    )) as MutationResult;
  }

  async stats(azureTenantId: string): Promise<{ total: number; byStatus: Record<string, number> }> {
    return (await this.request('GET', `/_emulator/tenants/${azureTenantId}/stats`, undefined, 200)) as {
      total: number;
      byStatus: Record<string, number>;
    };
  }

  /** Adds a hand-written object to the tenant's type; returns its id. */
  async plantPolicy(
    azureTenantId: string,
    request: {
      type: PolicyTypeKey;
      object: { id: string } & Record<string, unknown>;
      assignments?: Record<string, unknown>[];
      /** Who the audit log says created it: a user principal name or an application id. */
      actor?: string;
    },
  ): Promise<string> {
    const body = await this.request('POST', `/_emulator/tenants/${azureTenantId}/policies`, request, 201);
    return (body as { id: string }).id;
  }

  /** A stored object with its sub-resources (assignments, settings, ...) as properties. */
  getObject(azureTenantId: string, type: PolicyTypeKey, graphId: string): Promise<Record<string, unknown>> {
    return getObject(this.stack.emulator, azureTenantId, type, graphId);
  }

  /**
   * Applies a merge patch (an object) or a JSON Patch (an array) to a stored object, as an admin's
   * edit (audited, with `actor` if given); returns the object after the patch.
   */
  patchObject(
    azureTenantId: string,
    type: PolicyTypeKey,
    graphId: string,
    patch: Record<string, unknown> | Record<string, unknown>[],
    actor?: string,
  ): Promise<Record<string, unknown>> {
    return patchObject(this.stack.emulator, azureTenantId, type, graphId, patch, actor);
  }

  /** Reorders every array Graph gives no order to and every object's keys across the tenant. */
  shuffle(azureTenantId: string, seed?: string): Promise<{ seed: string; objects: number }> {
    return shuffleTenant(this.stack.emulator, azureTenantId, seed);
  }

  /** The text of a Graph response, exactly as the emulator sent it. */
  async rawGraphText(tenant: EmulatedTenant, path: string): Promise<string> {
    const response = await fetch(`${this.stack.emulator.baseUrl}${path}`, {
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${await this.rawToken(tenant)}` },
    });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
    return response.text();
  }

  /** A Graph token from a raw client-credentials request (no MSAL). */
  private rawToken(tenant: EmulatedTenant): Promise<string> {
    return emulatorToken(this.stack.emulator.baseUrl, this.agent, tenant);
  }

  /**
   * Deletes an object as an admin does in the portal: Graph DELETE with the tenant's app (raw
   * token), waiting out write throttling (Conditional Access: 1 per second, no Retry-After).
   */
  async deleteInGraph(tenant: EmulatedTenant, path: string): Promise<void> {
    const access_token = await this.rawToken(tenant);
    const status = await eventually(
      async () => {
        const response = await fetch(`${this.stack.emulator.baseUrl}${path}`, {
          method: 'DELETE',
          dispatcher: this.agent,
          headers: { authorization: `Bearer ${access_token}` },
        });
        await response.text();
        return response.status === 429 ? undefined : response.status;
      },
      { what: `DELETE ${path}`, timeoutMs: 10_000 },
    );
    if (status !== 204) throw new Error(`DELETE ${path} answered ${status}`);
  }

  /** Counts a list by raw paging, with a token from a raw client-credentials request. */
  async countByPaging(tenant: EmulatedTenant, path: string): Promise<number> {
    const base = this.stack.emulator.baseUrl;
    const access_token = await this.rawToken(tenant);
    let count = 0;
    for (let url: string | undefined = `${base}${path}`; url; ) {
      const response = await fetch(url, {
        dispatcher: this.agent,
        headers: { authorization: `Bearer ${access_token}` },
      });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      const page = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
      count += page.value.length;
      url = page['@odata.nextLink'];
    }
    return count;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async request(method: string, path: string, body: unknown, expected: number): Promise<unknown> {
    const response = await fetch(`${this.stack.emulator.baseUrl}${path}`, {
      method,
      dispatcher: this.agent,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    const text = await response.text();
    if (response.status !== expected)
      throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/**
 * Starts a test stack and an emulator admin client before the file's tests and stops both after
 * them; `use` receives them (assign them to the file's variables).
 */
export function useStackWithEmulator(
  options: TestStackOptions,
  use: (stack: TestStack, admin: EmulatorAdmin) => void,
): void {
  let admin: EmulatorAdmin | undefined;
  useTestStack(options, (stack) => {
    admin = new EmulatorAdmin(stack, stack.emulator.caPem);
    use(stack, admin);
  });
  afterAll(async () => {
    await admin?.close();
  });
}
