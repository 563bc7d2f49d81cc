export { DEMO_TENANT, demoTenantSeed } from './demoTenant';
export type { EmulatorFaults } from './faults';
export type { MutationRequest, MutationResult } from './mutations';
export { type GraphEmulator, type GraphEmulatorOptions, startGraphEmulator } from './server';
export type { EmulatorNode, EmulatorPolicy, EmulatorTenantSeed, GraphJson } from './types';
