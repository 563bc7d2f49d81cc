import type { PolicyTypeKey } from '../../graph/policyTypes';
import type { Rng } from '../prng';
import type { EmulatorNode } from '../types';

/** What a generator knows about the object it builds; everything else comes from `rng`. */
export interface GenerateContext {
  /** Seeded from (tenant, type, index): the same object is generated identically every time. */
  rng: Rng;
  /** Unique per object, for deriving further seeds (`${label}:settings`). */
  label: string;
  /** Unique per tenant: shared pools (groups, filters) are derived from it. */
  tenantLabel: string;
  index: number;
  /** 0 when generated; +1 per `modify`. Generators change a configuration property with it. */
  revision: number;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  /** Index into the registry entry's `collections` (appConfiguration has two). */
  collectionIndex: number;
  /**
   * The id and seed label of the object generated at another index of the same type and tenant,
   * so objects can link to each other (a SCEP profile to its trusted root). Only lower indexes
   * are sure to exist; a link to a removed object is served as Graph serves a broken one.
   */
  sibling(index: number): { id: string; label: string };
  /**
   * The id of the k-th object of a registry type in this tenant (k wraps around the number the
   * tenant was created with), derived without building it; undefined when the tenant has none.
   * References to filters, scope tags, notification templates and named locations use it.
   */
  ref(type: PolicyTypeKey, k: number): string | undefined;
}

/** Builds the objects of one registry type; the emulator serves them through Graph's paths (../graphSurface.ts). */
export interface PolicyGenerator {
  /** Relative share of the type in a generated tenant (a typical MSP customer tenant). */
  weight: number;
  /** Which of the registry's collections the next object goes to (default: the first). */
  pickCollection?(rng: Rng): number;
  /** The object's id from its index, for types whose ids are not GUIDs (scope tags: "1", "2"). */
  idFor?(index: number): string;
  generate(ctx: GenerateContext): EmulatorNode;
}
