export { DEMO_TENANT, demoTenantSeed } from './demoTenant';
export { type GraphEmulator, type GraphEmulatorOptions, startGraphEmulator } from './server';
export type { EmulatorPolicy, EmulatorTenantSeed, GraphJson } from './types';
