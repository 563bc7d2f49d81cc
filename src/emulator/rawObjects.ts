import type { PolicyTypeKey } from '../graph/policyTypes';
import { ENTITY_SETS, type NavigationRule } from './graphSurface';
import { listOf } from './tenantObjects';
import type { EmulatorNode, GraphJson } from './types';

// The raw view of a stored object (`GET|PATCH /_emulator/tenants/{id}/objects/{type}/{graphId}`):
// the object as Graph serves it with every navigation expanded, recursively: its properties, the
// properties only a GET of the item returns, each collection navigation (assignments, settings,
// definitionValues -> presentationValues, ...) as an array of element views and each
// single-valued one (definition, presentation) inline. A patched view is split back into the
// node by the Graph surface's navigations, so `assignments` is a list wherever Graph has one.

type Navigations = Readonly<Record<string, NavigationRule>>;

/** The navigations Graph has on the objects of a registry type (every set and cast holding it). */
export function navigationsOf(type: PolicyTypeKey): Navigations {
  const out: Record<string, NavigationRule> = {};
  for (const set of ENTITY_SETS) {
    if (!set.holds.some((h) => 'type' in h && h.type === type && !('elementsOf' in h))) continue;
    Object.assign(out, set.navigations);
    for (const cast of Object.values(set.casts ?? {})) Object.assign(out, cast.navigations);
  }
  return out;
}

export function viewOf(node: EmulatorNode): GraphJson {
  const view: GraphJson = { ...structuredClone(node.object), ...structuredClone(node.detail ?? {}) };
  for (const name of Object.keys(node.lists ?? {})) view[name] = listOf(node, name).map(viewOf);
  for (const [name, value] of Object.entries(node.expandable ?? {})) view[name] = structuredClone(value);
  return view;
}

/**
 * The node a (patched) view describes. `template` is the node before the patch: a property keeps
 * its place (object, details, list, inlined entity), a new one goes where the navigations say;
 * list elements are matched to their old selves by id for their own details and lists. What the
 * view cannot express (sealed secrets, links to other objects) is kept from the template.
 */
export function nodeFromView(
  view: GraphJson,
  template: EmulatorNode,
  navigations: Navigations,
): EmulatorNode {
  const node: EmulatorNode = { object: {} };
  for (const [key, value] of Object.entries(view)) {
    const rule = navigations[key];
    const isList =
      template.lists?.[key] !== undefined || (rule !== undefined && !rule.single && !rule.references);
    if (isList && Array.isArray(value)) {
      const old = template.lists?.[key] === undefined ? [] : listOf(template, key);
      node.lists ??= {};
      node.lists[key] = value.map((element: GraphJson, i) => {
        const match = old.find((o) => o.object.id !== undefined && o.object.id === element.id) ?? old[i];
        return nodeFromView(element, match ?? { object: {} }, rule?.elements ?? {});
      });
    } else if ((template.expandable && key in template.expandable) || rule?.single) {
      node.expandable ??= {};
      node.expandable[key] = value;
    } else if (template.detail && key in template.detail) {
      node.detail ??= {};
      node.detail[key] = value;
    } else {
      node.object[key] = value;
    }
  }
  if (template.secretValues) node.secretValues = template.secretValues;
  if (template.references) node.references = template.references;
  return node;
}
