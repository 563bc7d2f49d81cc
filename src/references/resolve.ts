// Resolving one kind's referenced ids to the objects' identities. Graph access and the run's
// capture come in through ReferenceReader, so this is unit-tested without either.
import { escapeStoredText, type GraphObject, POLICY_TYPES } from '../graph';
import type { ReferenceKind } from './rules';
import {
  GET_BY_IDS_MAX,
  isGuid,
  type Listing,
  objectTypeOf,
  REFERENCE_SOURCES,
  type ReferenceSource,
} from './sources';

/** `missing`: Graph has no such object (deleted); `unreadable`: it could not be asked or told us nothing. */
export type ReferenceState = 'resolved' | 'missing' | 'unreadable';

export interface ResolvedReference {
  kind: ReferenceKind;
  id: string;
  displayName: string | null;
  objectType: string | null;
  details: Record<string, unknown> | null;
  state: ReferenceState;
}

export type KindOutcome =
  | { outcome: 'ok' }
  | { outcome: 'permission_missing'; requiredPermission: string; reason: string }
  | { outcome: 'failed'; reason: string };

export interface CapturedObject {
  displayName: string;
  objectType: string | null;
}

export interface ReferenceReader {
  getByIds(ids: string[], types: string[]): Promise<GraphObject[]>;
  listPages(version: 'v1.0' | 'beta', pathAndQuery: string): AsyncGenerator<GraphObject[]>;
  /** The run's own capture of the type among `ids`; undefined when the run did not capture it. */
  captured(policyType: string, ids: string[]): Promise<Map<string, CapturedObject> | undefined>;
}

/**
 * What a failed read of the kind means: an outcome, or a thrown error when the whole activity
 * should be retried (the sync's rules for transient Graph errors, ../activities/syncOutcome.ts).
 */
export type FailureOutcome = (error: unknown, permission: string) => KindOutcome;

type Found = Map<string, Omit<ResolvedReference, 'kind' | 'id' | 'state'>>;

export async function resolveKind(
  kind: ReferenceKind,
  ids: readonly string[],
  reader: ReferenceReader,
  onFailure: FailureOutcome,
): Promise<{ rows: ResolvedReference[]; outcome: KindOutcome }> {
  const source = REFERENCE_SOURCES[kind];
  let found: Found;
  try {
    found = await read(source, ids, reader);
  } catch (error) {
    let outcome = onFailure(error, source.permission);
    const directory = source.from === 'directory' ? source : undefined;
    const fallback = directory?.fallback;
    if (outcome.outcome !== 'permission_missing' || !fallback) return unreadable(kind, ids, outcome);
    try {
      found = await readListing(fallback, ids, reader, directory.details);
    } catch (fallbackError) {
      outcome = onFailure(fallbackError, fallback.permission);
      return unreadable(kind, ids, outcome);
    }
  }
  const rows = ids.map((id) => {
    // Directory ids are GUIDs, which Graph compares without case.
    const object = found.get(id) ?? found.get(id.toLowerCase());
    if (!object) return row(kind, id, undefined, 'missing');
    // Graph answers objects the app may not read with their id and type only (Learn
    // directoryobject-getbyids, "limited information").
    return row(kind, id, object, object.displayName === null ? 'unreadable' : 'resolved');
  });
  return { rows, outcome: { outcome: 'ok' } };
}

function unreadable(kind: ReferenceKind, ids: readonly string[], outcome: KindOutcome) {
  return { rows: ids.map((id) => row(kind, id, undefined, 'unreadable')), outcome };
}

function row(
  kind: ReferenceKind,
  id: string,
  object: Omit<ResolvedReference, 'kind' | 'id' | 'state'> | undefined,
  state: ReferenceState,
): ResolvedReference {
  return { kind, id, displayName: null, objectType: null, details: null, ...object, state };
}

async function read(
  source: ReferenceSource,
  ids: readonly string[],
  reader: ReferenceReader,
): Promise<Found> {
  if (source.from === 'directory') return readDirectory(source, ids, reader);
  if (source.from === 'policyType') {
    const captured = await reader.captured(source.policyType, [...ids]);
    if (captured) {
      return new Map([...captured].map(([id, object]) => [id, { ...object, details: null }]));
    }
    const definition = POLICY_TYPES[source.policyType];
    const path = definition.collections[0]?.path ?? '';
    return readListing(
      { version: definition.graphVersion, path, permission: source.permission },
      ids,
      reader,
    );
  }
  return readListing(source, ids, reader);
}

async function readDirectory(
  source: Extract<ReferenceSource, { from: 'directory' }>,
  ids: readonly string[],
  reader: ReferenceReader,
): Promise<Found> {
  const found: Found = new Map();
  // Graph refuses a request whose ids are not GUIDs; such an id names no directory object.
  const guids = ids.filter(isGuid);
  for (let start = 0; start < guids.length; start += GET_BY_IDS_MAX) {
    const objects = await reader.getByIds(guids.slice(start, start + GET_BY_IDS_MAX), [source.type]);
    for (const object of objects) found.set(...foundObject(object, source.details));
  }
  found.delete('');
  return found;
}

/** One listing of the collection, keeping only the objects asked for (memory: the wanted ones). */
async function readListing(
  listing: Listing,
  ids: readonly string[],
  reader: ReferenceReader,
  details: readonly string[] = [],
): Promise<Found> {
  const wanted = new Set(ids.map((id) => id.toLowerCase()));
  const found: Found = new Map();
  const select = ['id', 'displayName', ...details].join(',');
  for await (const page of reader.listPages(listing.version, `${listing.path}?$select=${select}`)) {
    for (const object of page) found.set(...foundObject(object, details, wanted));
  }
  found.delete('');
  return found;
}

/** The map entry of a Graph object ('' for one not asked for), keyed by its stored id in lower case. */
function foundObject(object: GraphObject, details: readonly string[], wanted?: ReadonlySet<string>) {
  const id = typeof object.id === 'string' ? escapeStoredText(object.id).toLowerCase() : '';
  const entry = {
    displayName: nameOf(object),
    objectType: objectTypeOf(object),
    details:
      details.length > 0
        ? Object.fromEntries(details.map((name) => [name, stored(object[name] ?? null)]))
        : null,
  };
  return [wanted && !wanted.has(id) ? '' : id, entry] as const;
}

// Names and details are stored as every Graph text is (../graph/storedText.ts); ids are
// compared in that form too, as the payloads hold them.
function nameOf(object: GraphObject): string | null {
  return typeof object.displayName === 'string' ? escapeStoredText(object.displayName) : null;
}

function stored(value: unknown): unknown {
  if (typeof value === 'string') return escapeStoredText(value);
  return Array.isArray(value) ? value.map(stored) : value;
}
