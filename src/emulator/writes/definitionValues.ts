import { randomUUID } from 'node:crypto';
import type { Reply } from '../httpUtil';
import { graphTimestamp } from '../prng';
import { listOf } from '../tenantObjects';
import type { EmulatorTenant } from '../tenantStore';
import type { EmulatorNode, GraphJson } from '../types';
import { badRequest } from './validate';

// ADMX definition values as Graph writes them: `definition@odata.bind` and
// `presentation@odata.bind` URLs name Microsoft's catalog (groupPolicyDefinitions('<id>') and
// its presentations('<id>')). The emulator's catalog is what its ADMX policies use, so a bind to
// a definition no policy of the tenant knows is an unknown reference (Graph's 400).

const DEFINITION_BIND = /groupPolicyDefinitions\('([^']+)'\)/;
const PRESENTATION_BIND = /groupPolicyDefinitions\('[^']+'\)\/presentations\('([^']+)'\)/;

interface Catalog {
  definitions: Map<string, unknown>;
  presentations: Map<string, unknown>;
}

/** The definitions and presentations the tenant's ADMX policies use, by id. */
function catalogOf(tenant: EmulatorTenant): Catalog {
  const catalog: Catalog = { definitions: new Map(), presentations: new Map() };
  for (const record of tenant.objects.all('administrativeTemplates')) {
    for (const value of listOf(tenant.objects.node('administrativeTemplates', record), 'definitionValues')) {
      const definition = value.expandable?.definition as GraphJson | undefined;
      if (typeof definition?.id === 'string') catalog.definitions.set(definition.id, definition);
      for (const presentationValue of listOf(value, 'presentationValues')) {
        const presentation = presentationValue.expandable?.presentation as GraphJson | undefined;
        if (typeof presentation?.id === 'string') catalog.presentations.set(presentation.id, presentation);
      }
    }
  }
  return catalog;
}

function presentationValueNode(catalog: Catalog, posted: GraphJson, now: string): EmulatorNode | Reply {
  const bind = PRESENTATION_BIND.exec(String(posted['presentation@odata.bind'] ?? ''))?.[1];
  const presentation = bind === undefined ? undefined : catalog.presentations.get(bind);
  if (presentation === undefined)
    return badRequest(`Presentation '${String(posted['presentation@odata.bind'])}' was not found.`);
  const { 'presentation@odata.bind': _bind, id: _id, ...value } = posted;
  return {
    object: { ...value, id: randomUUID(), createdDateTime: now, lastModifiedDateTime: now },
    expandable: { presentation },
  };
}

function valueNode(catalog: Catalog, posted: GraphJson): EmulatorNode | Reply {
  const bind = DEFINITION_BIND.exec(String(posted['definition@odata.bind'] ?? ''))?.[1];
  const definition = bind === undefined ? undefined : catalog.definitions.get(bind);
  if (definition === undefined)
    return badRequest(`Group policy definition '${String(posted['definition@odata.bind'])}' was not found.`);
  const now = graphTimestamp(new Date());
  const presentationValues: EmulatorNode[] = [];
  for (const value of (posted.presentationValues ?? []) as GraphJson[]) {
    const node = presentationValueNode(catalog, value, now);
    if (!('object' in node)) return node;
    presentationValues.push(node);
  }
  return {
    object: {
      createdDateTime: now,
      enabled: posted.enabled ?? false,
      configurationType: 'policy',
      id: randomUUID(),
      lastModifiedDateTime: now,
    },
    expandable: { definition },
    lists: { presentationValues },
  };
}

/** `POST <policy>/definitionValues`: one value bound to the catalog. */
export function definitionValueNode(tenant: EmulatorTenant, posted: GraphJson): EmulatorNode | Reply {
  return valueNode(catalogOf(tenant), posted);
}

/**
 * `updateDefinitionValues {added, updated, deletedIds}` on an editable copy of the policy:
 * everything is checked before anything changes (a Reply then, and the copy is dropped).
 */
export function updateDefinitionValues(
  tenant: EmulatorTenant,
  policy: EmulatorNode,
  body: GraphJson,
): Reply | undefined {
  const catalog = catalogOf(tenant);
  const current = listOf(policy, 'definitionValues');
  const deletedIds = (body.deletedIds ?? []) as unknown[];
  const unknownDeleted = deletedIds.find((id) => !current.some((value) => value.object.id === id));
  if (unknownDeleted !== undefined)
    return badRequest(`Definition value '${String(unknownDeleted)}' was not found.`);
  const added: EmulatorNode[] = [];
  for (const posted of (body.added ?? []) as GraphJson[]) {
    const node = valueNode(catalog, posted);
    if (!('object' in node)) return node;
    added.push(node);
  }
  const updates = new Map<string, GraphJson>();
  for (const posted of (body.updated ?? []) as GraphJson[]) {
    if (!current.some((value) => value.object.id === posted.id))
      return badRequest(`Definition value '${String(posted.id)}' was not found.`);
    updates.set(String(posted.id), posted);
  }
  const now = graphTimestamp(new Date());
  const kept = current
    .filter((value) => !deletedIds.includes(value.object.id))
    .map((value) => {
      const update = updates.get(String(value.object.id));
      if (update === undefined) return value;
      const presentationValues = listOf(value, 'presentationValues').map((pv) => {
        const posted = ((update.presentationValues ?? []) as GraphJson[]).find((p) => p.id === pv.object.id);
        const { id: _id, 'presentation@odata.bind': _bind, ...changes } = posted ?? {};
        return posted ? { ...pv, object: { ...pv.object, ...changes, lastModifiedDateTime: now } } : pv;
      });
      const enabled = update.enabled ?? value.object.enabled;
      return {
        ...value,
        object: { ...value.object, enabled, lastModifiedDateTime: now },
        lists: { presentationValues },
      };
    });
  policy.lists = { ...policy.lists, definitionValues: [...kept, ...added] };
  return undefined;
}
