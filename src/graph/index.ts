export {
  AUDIT_SOURCE_KEYS,
  AUDIT_SOURCES,
  type AuditActor,
  type AuditEvent,
  type AuditSource,
  type AuditSourceKey,
  auditEventsQuery,
  auditSourceFor,
  FETCH_OVERLAP_MINUTES,
  FIRST_FETCH_LOOKBACK_DAYS,
} from './auditSources';
export {
  type CanonicalForm,
  type CanonicalPayload,
  canonicalFormOf,
  canonicalize,
  canonicalizePolicy,
} from './canonical';
export {
  ARRAY_RULES,
  type ArrayRule,
  type ArrayRules,
  arrayRuleAt,
  arrayRulesOf,
  COMMON_ARRAY_RULES,
  DISTINCT_EMPTY,
  type IdentityRule,
  SECRET_KEYS,
  SECRET_VALUE_PREFIX,
  type SetRule,
} from './arrayRules';
export type { EncryptedSettingValues } from './encryptedSettingReader';
export {
  ENCRYPTED_SETTINGS,
  type EncryptedSettingRule,
  encryptedSettingsOf,
  plainTextCall,
} from './encryptedSettings';
export { GraphClientFactory, type GraphClientFactoryOptions } from './clientFactory';
export {
  GRAPH_SCOPE,
  type GraphTenantCredentials,
  PUBLIC_GRAPH_BASE_URL,
  PUBLIC_LOGIN_BASE_URL,
} from './credentials';
export {
  GraphAuthError,
  GraphEndpointRefusedError,
  GraphProtocolError,
  GraphRequestError,
  type GraphRequestScope,
} from './errors';
export {
  type FetchByIdOptions,
  type FetchedPolicy,
  type FetchOptions,
  GraphClient,
  type GraphObject,
  ITEM_CONCURRENCY,
  LISTING_SIGNAL_LISTENERS,
  type ListedPolicyName,
} from './graphClient';
export {
  isPolicyTypeKey,
  mayHoldScripts,
  POLICY_TYPE_KEYS,
  POLICY_TYPES,
  type PolicyExpansion,
  type PolicyTypeDefinition,
  type PolicyTypeKey,
  volatileFieldsOf,
} from './policyTypes';
export {
  API_BUDGET_SHARE,
  CLIENT_BUDGET_SHARE,
  CLIENT_TENANT_BUDGET,
  clientBudgetFor,
  GRAPH_TENANT_BUDGET,
  type RequestBudgetOptions,
} from './requestBudget';
export { escapeStoredText, unescapeStoredJson, unescapeStoredText } from './storedText';
export { classifyWriteAnswer, GraphWriter, type WriteAnswer, type WriteMethod } from './graphWriter';
