import { Agent, fetch } from 'undici';
import type { PolicyTypeKey } from '../graph/policyTypes';

// A client of the emulator's admin API for processes that run the emulator as a child
// (`npm run dev`) or reach it over HTTPS (tests): they cannot call its in-process methods.

export async function adminRequest(
  baseUrl: string,
  caPem: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const agent = new Agent({ connect: { ca: caPem } });
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      dispatcher: agent,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }
        : { headers }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`emulator admin ${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  } finally {
    await agent.close();
  }
}

/** The hand-written demo tenant, with `extrasPerType` generated objects of the types it lacks. */
export function seedDemoTenant(baseUrl: string, caPem: string, extrasPerType: number): Promise<unknown> {
  return adminRequest(baseUrl, caPem, 'POST', '/_emulator/demo-tenant', { extrasPerType });
}

export interface EmulatorAddress {
  baseUrl: string;
  caPem: string;
}

const objectPath = (azureTenantId: string, type: PolicyTypeKey, graphId: string) =>
  `/_emulator/tenants/${encodeURIComponent(azureTenantId)}/objects/${type}/${encodeURIComponent(graphId)}`;

/** A stored object with its sub-resources (lists and inlined entities as properties). */
export async function getObject(
  emulator: EmulatorAddress,
  azureTenantId: string,
  type: PolicyTypeKey,
  graphId: string,
): Promise<Record<string, unknown>> {
  const path = objectPath(azureTenantId, type, graphId);
  return (await adminRequest(emulator.baseUrl, emulator.caPem, 'GET', path)) as Record<string, unknown>;
}

/**
 * Applies an RFC 7396 merge patch (an object) or an RFC 6902 JSON Patch (an array of operations)
 * to a stored object; `actor` (a user principal name or an application id) is who the audit log
 * names. Returns the object after the patch.
 */
export async function patchObject(
  emulator: EmulatorAddress,
  azureTenantId: string,
  type: PolicyTypeKey,
  graphId: string,
  patch: Record<string, unknown> | readonly Record<string, unknown>[],
  actor?: string,
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {
    'content-type': Array.isArray(patch) ? 'application/json-patch+json' : 'application/merge-patch+json',
    ...(actor ? { 'x-emulator-actor': actor } : {}),
  };
  const path = objectPath(azureTenantId, type, graphId);
  return (await adminRequest(emulator.baseUrl, emulator.caPem, 'PATCH', path, patch, headers)) as Record<
    string,
    unknown
  >;
}

/** Reorders every unordered array and every object's keys across the tenant; returns the seed used. */
export async function shuffleTenant(
  emulator: EmulatorAddress,
  azureTenantId: string,
  seed?: string,
): Promise<{ seed: string; objects: number }> {
  const path = `/_emulator/tenants/${encodeURIComponent(azureTenantId)}/shuffle`;
  const body = seed === undefined ? {} : { seed };
  return (await adminRequest(emulator.baseUrl, emulator.caPem, 'POST', path, body)) as {
    seed: string;
    objects: number;
  };
}

/** Moves a settings catalog template of one tenant to a lifecycleState (e.g. 'retired'). */
export async function setTemplateLifecycle(
  emulator: EmulatorAddress,
  azureTenantId: string,
  templateId: string,
  lifecycleState: string,
): Promise<void> {
  const path = `/_emulator/tenants/${encodeURIComponent(azureTenantId)}/template-lifecycle`;
  await adminRequest(emulator.baseUrl, emulator.caPem, 'PUT', path, { templateId, lifecycleState });
}
