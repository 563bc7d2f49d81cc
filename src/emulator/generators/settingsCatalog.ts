import {
  CONFIGURATION_POLICY_TEMPLATES,
  configurationPolicyTemplateId,
} from '../pools/configurationPolicyTemplates';
import { Rng } from '../prng';
import { buildSettings } from './catalogSettings';
import { assignments, description, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Sizes follow public baselines: serialized policy (with settings) median ~25 KB, p90 ~84 KB,
// the largest ~500 KB with 100+ settings. The points below are for the settings alone; the
// object and its assignments add a few KB. Each object's quantile comes from a low-discrepancy
// sequence over its index, so even a small tenant has its share of large policies.

const GOLDEN = 0.6180339887498949;

/** Piecewise log-linear interpolation through (quantile, value) points. */
function logInterpolate(points: readonly (readonly [number, number])[], u: number): number {
  for (let i = 1; i < points.length; i++) {
    const [u1, v1] = points[i] as readonly [number, number];
    const [u0, v0] = points[i - 1] as readonly [number, number];
    if (u <= u1) return Math.exp(Math.log(v0) + ((u - u0) / (u1 - u0)) * (Math.log(v1) - Math.log(v0)));
  }
  return points.at(-1)?.[1] ?? 0;
}

const BYTES: readonly (readonly [number, number])[] = [
  [0, 2_500],
  [0.5, 22_000],
  [0.9, 78_000],
  [0.98, 170_000],
  [0.993, 470_000],
  [1, 530_000],
];
const COUNTS: readonly (readonly [number, number])[] = [
  [0, 2],
  [0.5, 22],
  [0.9, 90],
  [0.95, 104],
  [0.98, 125],
  [1, 170],
];

export function settingsQuantile(label: string, index: number): number {
  const offset = new Rng(`${label}:sizes`).next();
  return (offset + index * GOLDEN) % 1;
}

const PLATFORMS = [
  { platforms: 'windows10', technologies: 'mdm', prefix: 'WIN' },
  { platforms: 'windows10', technologies: 'mdm,microsoftSense', prefix: 'WIN' },
  { platforms: 'macOS', technologies: 'mdm,appleRemoteManagement', prefix: 'MAC' },
  { platforms: 'iOS', technologies: 'mdm,appleRemoteManagement', prefix: 'IOS' },
] as const;

// A policy without a template draws null (three in eight), else one of Microsoft's templates.
const TEMPLATES = [null, null, null, ...CONFIGURATION_POLICY_TEMPLATES];

export const settingsCatalogGenerator: PolicyGenerator = {
  weight: 22,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const { tenantLabel } = ctx;
    const u = settingsQuantile(tenantLabel, ctx.index);
    const count = Math.max(1, Math.round(logInterpolate(COUNTS, u)));
    const targetBytes = Math.round(logInterpolate(BYTES, u));
    const platform = rng.pick(PLATFORMS);
    const template = platform.platforms === 'windows10' ? rng.pick(TEMPLATES) : null;
    const assigned = assignments(rng, ctx.id, { tenant: ctx, bare: true });
    return {
      object: {
        createdDateTime: ctx.createdDateTime,
        creationSource: null,
        description: description(rng, 'Settings catalog profile.'),
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        name: policyName(rng, platform.prefix, template?.name ?? 'Settings catalog', ctx.index),
        platforms: platform.platforms,
        priorityMetaData: null,
        roleScopeTagIds: scopeTagIds(rng, ctx),
        settingCount: count,
        technologies: platform.technologies,
        id: ctx.id,
        isAssigned: assigned.length > 0,
        templateReference: {
          templateId: template ? configurationPolicyTemplateId(template) : '',
          templateFamily: template?.family ?? 'none',
          templateDisplayName: template?.name ?? null,
          templateDisplayVersion: template?.version ?? null,
        },
      },
      lists: {
        // Built on first use only: listing the collection needs none of the (large) settings.
        settings: () =>
          buildSettings(
            new Rng(`${ctx.label}:settings`),
            platform.platforms,
            count,
            targetBytes,
            ctx.revision,
          ),
        assignments: assigned,
      },
    };
  },
};
