import { applyPatch, type Operation } from 'fast-json-patch';
import type { GraphJson } from './types';

// The two patch formats `PATCH /_emulator/tenants/{id}/objects/{type}/{graphId}` accepts on the
// raw view (./rawObjects.ts): RFC 7396 JSON merge patch (application/merge-patch+json, or plain
// application/json) and RFC 6902 JSON Patch (application/json-patch+json) through fast-json-patch.

export class PatchError extends Error {}

export type PatchFormat = 'merge' | 'json-patch';

/** The format a content type names, or undefined for one the route refuses (415). */
export function patchFormat(contentType: string | undefined): PatchFormat | undefined {
  const media = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (media === 'application/json-patch+json') return 'json-patch';
  if (media === 'application/merge-patch+json' || media === 'application/json') return 'merge';
  return undefined;
}

const isObject = (value: unknown): value is GraphJson =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * RFC 7396 section 2, MergePatch(Target, Patch), as written there. Hand-written: it is these
 * ten lines, and the npm package for it (json-merge-patch) carries no types and adds a
 * generator of patches the emulator does not need.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: GraphJson = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The view after the patch, or PatchError with what was wrong with it. */
export function patchView(view: GraphJson, patch: unknown, format: PatchFormat): GraphJson {
  let result: unknown;
  if (format === 'merge') {
    if (!isObject(patch)) throw new PatchError('A merge patch of an object must be a JSON object.');
    result = mergePatch(view, patch);
  } else {
    if (!Array.isArray(patch)) throw new PatchError('A JSON Patch must be an array of operations.');
    try {
      // Validated (paths, values, tests), on a copy: a failing operation leaves nothing half done.
      result = applyPatch(structuredClone(view), patch as Operation[], true, true, true).newDocument;
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new PatchError(`The JSON Patch cannot be applied: ${message}`);
    }
  }
  if (!isObject(result)) throw new PatchError('The patched object must stay a JSON object.');
  if (result.id !== view.id) throw new PatchError('The patch may not change the object id.');
  return result;
}
