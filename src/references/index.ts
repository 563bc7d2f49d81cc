export { type Reference, referenceKey, referenceOfKey, referencesOf, rulesFor } from './extract';
export {
  type CapturedObject,
  type FailureOutcome,
  type KindOutcome,
  type ReferenceReader,
  type ReferenceState,
  type ResolvedReference,
  resolveKind,
} from './resolve';
export { REFERENCE_KINDS, REFERENCE_RULES, type ReferenceKind } from './rules';
export { DIRECTORY_READ, GET_BY_IDS_MAX, REFERENCE_SOURCES } from './sources';
export { countStates, type KindSummary, type ReferencesOutcome, summarize } from './summary';
