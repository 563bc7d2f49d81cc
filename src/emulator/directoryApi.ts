import { DIRECTORY_TYPE_NAMES, type DirectoryKind } from './pools/directory';
import type { GraphCall, ServeContext } from './graphApi';
import { graphError } from './graphErrors';
import type { Reply } from './httpUtil';

// `POST /directoryObjects/getByIds` (Learn directoryobject-getbyids): up to 1,000 ids, optionally
// limited to some types (names case-insensitive); each found object with its `@odata.type`, ids
// not found (or of other types) simply absent. The response is not paged.

export const MAX_IDS = 1000;

const KINDS = Object.keys(DIRECTORY_TYPE_NAMES) as DirectoryKind[];
/** Directory types Graph knows that the emulator's directory has none of (never matched). */
const OTHER_TYPES = new Set(['directoryobject', 'device', 'application', 'orgcontact', 'administrativeunit']);

function badRequest(message: string): Reply {
  return graphError(400, 'Request_BadRequest', message);
}

export function serveGetByIds(call: GraphCall, ctx: ServeContext): Reply {
  let body: unknown;
  try {
    body = JSON.parse(call.body ?? '');
  } catch {
    return badRequest('Invalid request body: a JSON object with an ids collection is required.');
  }
  const { ids, types } = (body ?? {}) as { ids?: unknown; types?: unknown };
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    return badRequest("Invalid value for the parameter 'ids': a collection of strings is required.");
  }
  if (ids.length > MAX_IDS) {
    return badRequest(`Too many ids: at most ${MAX_IDS} ids can be resolved per request.`);
  }
  let kinds = KINDS;
  if (types !== undefined && types !== null) {
    if (!Array.isArray(types) || types.some((t) => typeof t !== 'string')) {
      return badRequest("Invalid value for the parameter 'types': a collection of strings is required.");
    }
    const names = (types as string[]).map((t) => t.toLowerCase());
    const unknown = names.find(
      (name) => !OTHER_TYPES.has(name) && !KINDS.some((k) => DIRECTORY_TYPE_NAMES[k].toLowerCase() === name),
    );
    if (unknown !== undefined) return badRequest(`Unsupported type in the types parameter: '${unknown}'.`);
    // No types, or directoryObject among them: every type.
    if (names.length > 0 && !names.includes('directoryobject')) {
      kinds = KINDS.filter((k) => names.includes(DIRECTORY_TYPE_NAMES[k].toLowerCase()));
    }
  }
  const { pools } = ctx.tenant.objects;
  const seen = new Set<string>();
  const value = [];
  for (const id of ids as string[]) {
    const key = id.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const node = pools.find(key, kinds);
    if (node) value.push({ ...node.object });
  }
  return {
    status: 200,
    body: { '@odata.context': `${call.url.origin}/${call.version}/$metadata#directoryObjects`, value },
  };
}
