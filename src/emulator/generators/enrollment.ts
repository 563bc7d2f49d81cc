import { tenantApp } from '../pools';
import { Rng } from '../prng';
import type { GraphJson } from '../types';
import { assignments, description, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Windows Autopilot deployment profiles and enrollment configurations.

export const autopilotProfilesGenerator: PolicyGenerator = {
  weight: 1.5,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const hybrid = rng.bool(0.25);
    return {
      object: {
        '@odata.type': hybrid
          ? '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile'
          : '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
        id: ctx.id,
        displayName: policyName(rng, 'WIN', 'Autopilot', ctx.index),
        description: description(rng, 'Autopilot deployment profile.'),
        language: rng.pick(['os-default', 'en-US', 'de-DE', 'fr-FR']),
        locale: rng.pick(['os-default', 'en-US', 'de-DE']),
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        outOfBoxExperienceSettings: {
          hidePrivacySettings: true,
          hideEULA: true,
          userType: rng.pick(['standard', 'administrator']),
          deviceUsageType: rng.pick(['singleUser', 'shared']),
          skipKeyboardSelectionPage: true,
          hideEscapeLink: true,
        },
        enrollmentStatusScreenSettings: null,
        extractHardwareHash: rng.bool(0.7),
        deviceNameTemplate: `CON-%SERIAL%`.slice(0, 8 + (ctx.revision % 7)),
        deviceType: 'windowsPc',
        enableWhiteGlove: rng.bool(0.4),
        preprovisioningAllowed: rng.bool(0.4),
        roleScopeTagIds: scopeTagIds(rng, ctx),
        managementServiceAppId: null,
        ...(hybrid ? { hybridAzureADJoinSkipConnectivityCheck: rng.bool(0.3) } : {}),
      },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};

const ENROLLMENT_VARIANTS: readonly ((rng: Rng, revision: number, tenantLabel: string) => GraphJson)[] = [
  (rng, revision) => ({
    '@odata.type': '#microsoft.graph.deviceEnrollmentLimitConfiguration',
    deviceEnrollmentConfigurationType: 'limit',
    limit: 5 + ((rng.int(0, 5) + revision) % 15),
  }),
  (rng, revision) => ({
    '@odata.type': '#microsoft.graph.deviceEnrollmentPlatformRestrictionConfiguration',
    deviceEnrollmentConfigurationType: 'singlePlatformRestriction',
    platformType: rng.pick(['ios', 'android', 'windows', 'mac']),
    platformRestriction: {
      platformBlocked: false,
      personalDeviceEnrollmentBlocked: rng.bool(0.6),
      osMinimumVersion: String(10 + (revision % 5)),
      osMaximumVersion: null,
      blockedManufacturers: [],
      blockedSkus: [],
    },
  }),
  (rng, revision, tenantLabel) => ({
    '@odata.type': '#microsoft.graph.windows10EnrollmentCompletionPageConfiguration',
    deviceEnrollmentConfigurationType: 'windows10EnrollmentCompletionPageConfiguration',
    showInstallationProgress: true,
    blockDeviceSetupRetryByUser: false,
    allowDeviceResetOnInstallFailure: rng.bool(),
    allowLogCollectionOnInstallFailure: true,
    customErrorMessage:
      'Setup could not be completed. Please try again or contact your support person for help.',
    installProgressTimeoutInMinutes: 60 + 15 * revision,
    allowDeviceUseOnInstallFailure: rng.bool(),
    // Win32 and Microsoft 365 apps of the tenant the page waits for.
    selectedMobileAppIds: [
      ...new Set(
        Array.from({ length: rng.int(0, 4) }, () =>
          tenantApp(tenantLabel, rng.pick(['win32', 'office'] as const), rng.int(0, 99)),
        ),
      ),
    ],
    trackInstallProgressForAutopilotOnly: true,
    disableUserStatusTrackingAfterFirstUser: true,
  }),
  (rng, revision) => ({
    '@odata.type': '#microsoft.graph.deviceEnrollmentWindowsHelloForBusinessConfiguration',
    deviceEnrollmentConfigurationType: 'windowsHelloForBusiness',
    pinMinimumLength: 6 + (revision % 10),
    pinMaximumLength: 127,
    pinUppercaseCharactersUsage: 'allowed',
    pinLowercaseCharactersUsage: 'allowed',
    pinSpecialCharactersUsage: 'allowed',
    state: rng.pick(['enabled', 'notConfigured']),
    securityDeviceRequired: true,
    unlockWithBiometricsEnabled: true,
    remotePassportEnabled: false,
    pinPreviousBlockCount: 0,
    pinExpirationInDays: 0,
    enhancedBiometricsState: 'notConfigured',
  }),
];

export const enrollmentConfigurationsGenerator: PolicyGenerator = {
  weight: 2,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const fields = rng.pick(ENROLLMENT_VARIANTS)(rng, ctx.revision, ctx.tenantLabel);
    return {
      object: {
        ...fields,
        id: ctx.id,
        displayName: policyName(rng, 'ALL', 'Enrollment', ctx.index),
        description: description(rng, 'Enrollment configuration.'),
        priority: 1 + ctx.index,
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        version: 1 + ctx.revision,
        roleScopeTagIds: scopeTagIds(rng, ctx),
      },
      lists: {
        assignments: assignments(new Rng(`${ctx.label}:a`), ctx.id, {
          tenant: ctx,
          bare: true,
        }),
      },
    };
  },
};
