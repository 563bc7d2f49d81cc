// The diff engine: field-level changes between two payloads of one policy (docs/api.md, "Field-level changes").
export { type DiffOptions, diffPolicy } from './diffPolicy';
export { humanizeProperty } from './labels';
export { settingDefinitionIdsOf } from './settingDefinitions';
export type { DiffLabels, FieldChange, PolicyChangeKind, PolicyDiff } from './types';
export { type DefinitionNames, type ModifiedDiff, type PayloadPair, storedPayloadDiff } from './batch';
