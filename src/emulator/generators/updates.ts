import { Rng } from '../prng';
import type { EmulatorNode } from '../types';
import { assignments, description, entityBasics, leaf, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Assignment filters and the Windows feature / quality / driver update profiles.

const FILTER_RULES = [
  '(device.osVersion -startsWith "10.0.22")',
  '(device.deviceOwnership -eq "Corporate")',
  '(device.manufacturer -in ["Microsoft Corporation", "Dell Inc.", "HP"])',
  '(device.model -contains "Surface") or (device.model -contains "Latitude")',
  '(device.enrollmentProfileName -eq "Autopilot Standard")',
];

export const assignmentFiltersGenerator: PolicyGenerator = {
  weight: 4,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    return {
      object: {
        id: ctx.id,
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        displayName: policyName(rng, 'FLT', 'Filter', ctx.index),
        description: description(rng, 'Assignment filter.') ?? '',
        platform: rng.pick(['windows10AndLater', 'iOS', 'androidForWork', 'macOS']),
        rule: `${rng.pick(FILTER_RULES)} and (device.deviceCategory -ne "Lab ${ctx.revision}")`,
        roleScopeTags: ['0'],
        payloads: [],
        assignmentFilterManagementType: 'devices',
      },
    };
  },
};

/**
 * What Graph derives from a feature update profile's `featureUpdateVersion` (the emulator's
 * generator and its writes alike): the content's display name and its end of support.
 */
export function featureUpdateContent(version: unknown): {
  deployableContentDisplayName: unknown;
  endOfSupportDate: string;
} {
  return { deployableContentDisplayName: version, endOfSupportDate: '2026-11-10T00:00:00Z' };
}

/** What Graph derives from an expedited quality update's release (generator and writes alike). */
export function qualityUpdateContent(release: string): {
  releaseDateDisplayName: string;
  deployableContentDisplayName: string;
} {
  return {
    releaseDateDisplayName: `${release.slice(0, 7)} - 2025.${release.slice(5, 7)} B Security Updates`,
    deployableContentDisplayName: 'Quality Updates',
  };
}

export const featureUpdateProfilesGenerator: PolicyGenerator = {
  weight: 1.5,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const version = rng.pick([
      'Windows 11, version 23H2',
      'Windows 11, version 24H2',
      'Windows 10, version 22H2',
    ]);
    return {
      object: {
        id: ctx.id,
        displayName: policyName(rng, 'WIN', 'Feature update', ctx.index),
        description: description(rng, 'Feature update deployment.') ?? '',
        featureUpdateVersion: version,
        roleScopeTagIds: scopeTagIds(rng, ctx),
        ...featureUpdateContent(version),
        installLatestWindows10OnWindows11IneligibleDevice: rng.bool(0.5),
        installFeatureUpdatesOptional: false,
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        rolloutSettings: {
          offerStartDateTimeInUTC: null,
          offerEndDateTimeInUTC: null,
          offerIntervalInDays: ctx.revision > 0 ? 7 + ctx.revision : null,
        },
      },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};

export const qualityUpdateProfilesGenerator: PolicyGenerator = {
  weight: 1,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const release = rng.pick(['2025-09-09T00:00:00Z', '2025-10-14T00:00:00Z', '2025-11-11T00:00:00Z']);
    return {
      object: {
        id: ctx.id,
        displayName: policyName(rng, 'WIN', 'Expedited quality update', ctx.index),
        description: description(rng, 'Expedited security update.') ?? '',
        expeditedUpdateSettings: {
          qualityUpdateRelease: release,
          daysUntilForcedReboot: (rng.int(0, 2) + ctx.revision) % 3,
        },
        ...qualityUpdateContent(release),
        roleScopeTagIds: scopeTagIds(rng, ctx),
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
      },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};

// Hotpatch quality update policies: which monthly and out-of-band releases install how soon
// (docs intune-softwareupdate-windowsqualityupdatepolicy.md, approvalSettings).
export const hotpatchQualityUpdatePoliciesGenerator: PolicyGenerator = {
  weight: 0.3,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const approval = (cadence: string, category: string, days: number) => ({
      windowsQualityUpdateCadence: cadence,
      windowsQualityUpdateCategory: category,
      approvalMethodType: 'automatic',
      deferredDeploymentInDay: days,
    });
    return {
      object: {
        ...entityBasics(ctx, 'WIN', 'Hotpatch quality updates', 'Hotpatch quality update policy.'),
        roleScopeTagIds: scopeTagIds(rng, ctx),
        hotpatchEnabled: rng.bool(0.8),
        approvalSettings: [
          approval('monthly', 'security', (rng.int(0, 7) + ctx.revision) % 30),
          approval('monthly', 'nonSecurity', rng.int(0, 14)),
          approval('outOfBand', 'security', 0),
        ],
      },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};

export const driverUpdateProfilesGenerator: PolicyGenerator = {
  weight: 1,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const approvalType = rng.pick(['manual', 'automatic']);
    return {
      object: {
        id: ctx.id,
        displayName: policyName(rng, 'WIN', 'Driver updates', ctx.index),
        description: description(rng, 'Driver and firmware updates.') ?? '',
        approvalType,
        deviceReporting: rng.int(0, 2000),
        newUpdates: rng.int(0, 20),
        deploymentDeferralInDays: approvalType === 'automatic' ? (rng.int(0, 14) + ctx.revision) % 31 : null,
        roleScopeTagIds: scopeTagIds(rng, ctx),
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        inventorySyncStatus: {
          lastSuccessfulSyncDateTime: ctx.lastModifiedDateTime,
          driverInventorySyncState: 'success',
        },
      },
      lists: {
        assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }),
        driverInventories: driverInventories(rng, ctx, approvalType === 'manual'),
      },
    };
  },
};

const DRIVERS = [
  'Intel - Display',
  'Realtek - Audio',
  'Lenovo - Firmware',
  'Dell - System',
  'Surface - UEFI',
];

// A manual profile's approvals: what an admin decided per driver (Learn windowsdriverupdateinventory).
function driverInventories(rng: Rng, ctx: GenerateContext, manual: boolean): EmulatorNode[] {
  return rng.sample(DRIVERS, rng.int(1, DRIVERS.length)).map((name, i) =>
    leaf({
      id: new Rng(`${ctx.label}:driver:${name}`).hex(32),
      name: `${name} driver`,
      version: `${rng.int(1, 30)}.${rng.int(0, 999)}.${rng.int(0, 9999)}`,
      manufacturer: name.split(' - ')[0],
      releaseDateTime: '2025-09-01T00:00:00Z',
      driverClass: name.split(' - ')[1],
      applicableDeviceCount: rng.int(1, 500),
      approvalStatus: manual
        ? i === 0
          ? ['approved', 'declined'][ctx.revision % 2]
          : 'needsReview'
        : 'approved',
      category: manual ? 'recommended' : 'other',
      deployDateTime: manual && i === 0 ? '2025-10-01T00:00:00Z' : null,
    }),
  );
}
