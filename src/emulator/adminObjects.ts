import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { POLICY_TYPE_KEYS, type PolicyTypeKey } from '../graph/policyTypes';
import type { ChangeListener } from './mutations';
import { type PatchFormat, patchView } from './objectPatch';
import { navigationsOf, nodeFromView, viewOf } from './rawObjects';
import { markModified } from './tenantObjects';
import type { EmulatorTenant } from './tenantStore';
import type { GraphJson } from './types';

// The admin API's exact changes to a tenant's stored objects: read one raw, patch it, shuffle the
// tenant; and the audit-log entry every admin change leaves (./auditLog.ts).

export class NotFoundError extends Error {}

/**
 * Who the audit log says made a change: a user principal name or an application (client) id;
 * absent, one of a few admins of the tenant's directory (./auditLog.ts).
 */
export const actorSchema = z
  .string()
  .max(200)
  .regex(/^([^@\s]+@[^@\s]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'must be a user principal name or an application id (GUID)',
  });

/** The header naming the actor of a PATCH, whose body is the patch itself. */
export const ACTOR_HEADER = 'x-emulator-actor';

/** `POST .../shuffle`: the same seed shuffles the same tenant the same way. */
export const shuffleSchema = z.strictObject({ seed: z.string().min(1).max(200).optional() });

/** Records each change in the tenant's audit log, named as the object was when it changed. */
export function auditing(tenant: EmulatorTenant, actor: string | undefined): ChangeListener {
  return (type, id, operation) => {
    const record = tenant.objects.find(type, id);
    const object = record ? tenant.objects.node(type, record).object : {};
    const displayName = String(object.displayName ?? object.name ?? id);
    tenant.objects.audit.record({ type, id, displayName, operation, ...(actor ? { actor } : {}) });
  };
}

function storedRecord(tenant: EmulatorTenant, type: string, graphId: string) {
  if (!(POLICY_TYPE_KEYS as readonly string[]).includes(type))
    throw new NotFoundError(`No policy type ${type}; one of: ${POLICY_TYPE_KEYS.join(', ')}.`);
  const key = type as PolicyTypeKey;
  const record = tenant.objects.find(key, graphId);
  if (record === undefined) throw new NotFoundError(`The tenant has no ${type} object ${graphId}.`);
  return { key, node: tenant.objects.node(key, record) };
}

/** The stored object with its sub-resources, as ./rawObjects.ts views it. */
export function getObject(tenant: EmulatorTenant, type: string, graphId: string): GraphJson {
  return viewOf(storedRecord(tenant, type, graphId).node);
}

/**
 * Applies a merge patch or a JSON Patch to the raw view of a stored object; bumps its
 * modification time (and version) as Graph does on any write and logs the change.
 */
export function patchObject(
  tenant: EmulatorTenant,
  type: string,
  graphId: string,
  patch: unknown,
  format: PatchFormat = 'merge',
  actor?: string,
): GraphJson {
  const { key, node: before } = storedRecord(tenant, type, graphId);
  if (actor !== undefined) actorSchema.parse(actor);
  const node = nodeFromView(patchView(viewOf(before), patch, format), before, navigationsOf(key));
  markModified(node.object, before.object);
  tenant.objects.replace(key, graphId, node);
  auditing(tenant, actor)(key, graphId, 'Patch');
  return viewOf(node);
}

/** Reorders what Graph gives no order to across the tenant (./shuffle.ts); no audit event. */
export function shuffleTenant(tenant: EmulatorTenant, request: { seed?: string } = {}) {
  const { seed = randomUUID() } = shuffleSchema.parse(request);
  return { seed, objects: tenant.objects.shuffle(seed) };
}
