import { directoryId } from '../pools/directory';
import { Rng } from '../prng';
import { groupId } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Conditional Access policies and named locations (v1.0; timestamps are modifiedDateTime).

const CA_KINDS = [
  { name: 'Require MFA for all users', controls: ['mfa'], apps: ['All'] },
  {
    name: 'Block legacy authentication',
    controls: ['block'],
    apps: ['All'],
    clientAppTypes: ['exchangeActiveSync', 'other'],
  },
  {
    name: 'Require compliant device for Office 365',
    controls: ['compliantDevice', 'domainJoinedDevice'],
    apps: ['Office365'],
  },
  {
    name: 'Require MFA for admins',
    controls: ['mfa'],
    apps: ['All'],
    roles: ['62e90394-69f5-4237-9190-012177145e10', '194ae4cb-b126-40b2-bd5b-6091b380977d'],
  },
  {
    name: 'Require app protection for mobile',
    controls: ['approvedApplication', 'compliantApplication'],
    apps: ['Office365'],
    platforms: ['android', 'iOS'],
  },
  // Workload identities: conditions on service principals of the tenant, no users.
  {
    name: 'Block workload identities from untrusted locations',
    controls: ['block'],
    apps: ['All'],
    workload: true,
  },
];

/** Sometimes all but trusted ones, sometimes all but one of the tenant's named locations. */
function locations(ctx: GenerateContext) {
  const rng = new Rng(`${ctx.label}:locations`);
  if (rng.bool(0.6)) return null;
  const named = rng.bool(0.5) ? ctx.ref('namedLocations', rng.int(0, 999)) : undefined;
  return { includeLocations: ['All'], excludeLocations: named === undefined ? ['AllTrusted'] : [named] };
}

export const conditionalAccessPoliciesGenerator: PolicyGenerator = {
  weight: 4,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const kind = rng.pick(CA_KINDS);
    const platforms = 'platforms' in kind ? kind.platforms : undefined;
    const clientAppTypes = 'clientAppTypes' in kind ? kind.clientAppTypes : undefined;
    const roles = 'roles' in kind ? kind.roles : undefined;
    const workload = 'workload' in kind;
    return {
      object: {
        id: ctx.id,
        templateId: null,
        displayName: `CA${String(ctx.index).padStart(3, '0')} - ${kind.name}`,
        createdDateTime: ctx.createdDateTime,
        modifiedDateTime: ctx.lastModifiedDateTime,
        state: ['enabled', 'enabledForReportingButNotEnforced', 'disabled'][
          (rng.int(0, 2) + ctx.revision) % 3
        ],
        // Every fourth policy uses token protection (by index, so every tenant with four or more
        // policies has one); a few more have other session controls.
        sessionControls:
          rng.bool(0.2) || ctx.index % 4 === 1
            ? {
                signInFrequency: {
                  value: 12,
                  type: 'hours',
                  authenticationType: 'primaryAndSecondaryAuthentication',
                  frequencyInterval: 'timeBased',
                  isEnabled: true,
                },
                persistentBrowser: null,
                cloudAppSecurity: null,
                applicationEnforcedRestrictions: null,
                disableResilienceDefaults: null,
                continuousAccessEvaluation: null,
                // Token protection: beta only (Learn resources/securesigninsessioncontrol).
                secureSignInSession: ctx.index % 4 === 1 ? { isEnabled: true } : null,
              }
            : null,
        conditions: {
          userRiskLevels: [],
          signInRiskLevels: [],
          clientAppTypes: clientAppTypes ?? ['all'],
          servicePrincipalRiskLevels: [],
          insiderRiskLevels: null,
          // Beta only (Learn conditionalaccessconditionset, beta).
          agentIdRiskLevels: rng.bool(0.2) ? 'high' : null,
          platforms: platforms ? { includePlatforms: platforms, excludePlatforms: [] } : null,
          locations: locations(ctx),
          devices: null,
          clientApplications: workload
            ? {
                includeServicePrincipals: [directoryId(ctx.tenantLabel, 'servicePrincipals', rng.int(0, 19))],
                excludeServicePrincipals: [],
              }
            : null,
          times: null,
          deviceStates: null,
          applications: {
            includeApplications: kind.apps,
            excludeApplications: [],
            includeUserActions: [],
            includeAuthenticationContextClassReferences: [],
            applicationFilter: null,
          },
          users: {
            includeUsers: workload ? ['None'] : roles ? [] : ['All'],
            // Break-glass accounts: the first users of the tenant's directory.
            excludeUsers: rng.bool(0.6) ? [directoryId(ctx.tenantLabel, 'users', rng.int(0, 3))] : [],
            includeGroups: [],
            excludeGroups: [groupId(ctx.tenantLabel, rng)],
            includeRoles: roles ?? [],
            excludeRoles: [],
            includeGuestsOrExternalUsers: null,
            excludeGuestsOrExternalUsers: null,
          },
        },
        grantControls: {
          operator: kind.controls.length > 1 ? 'OR' : 'AND',
          builtInControls: kind.controls,
          customAuthenticationFactors: [],
          termsOfUse: [],
          authenticationStrength: null,
        },
      },
    };
  },
};

export const namedLocationsGenerator: PolicyGenerator = {
  weight: 3,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const common = {
      id: ctx.id,
      createdDateTime: ctx.createdDateTime,
      modifiedDateTime: ctx.lastModifiedDateTime,
    };
    if (rng.bool(0.6)) {
      return {
        object: {
          '@odata.type': '#microsoft.graph.ipNamedLocation',
          ...common,
          displayName: `Office ${String(ctx.index).padStart(3, '0')} egress`,
          isTrusted: rng.bool(0.7),
          ipRanges: Array.from({ length: 1 + rng.int(0, 4) + ctx.revision }, () => ({
            '@odata.type': '#microsoft.graph.iPv4CidrRange',
            cidrAddress: `${rng.int(20, 220)}.${rng.int(0, 255)}.${rng.int(0, 255)}.0/${rng.pick([24, 27, 28, 29])}`,
          })),
        },
      };
    }
    const countries = new Rng(`${ctx.label}:countries`).sample(
      ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'IE', 'ES', 'IT', 'PL', 'SE', 'AU', 'JP', 'IN'],
      2 + ctx.revision,
    );
    return {
      object: {
        '@odata.type': '#microsoft.graph.countryNamedLocation',
        ...common,
        displayName: `Allowed countries ${String(ctx.index).padStart(3, '0')}`,
        countriesAndRegions: countries,
        includeUnknownCountriesAndRegions: false,
        countryLookupMethod: 'clientIpAddress',
      },
    };
  },
};
