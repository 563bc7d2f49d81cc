import { Rng } from '../prng';
import type { EmulatorNode, GraphJson } from '../types';
import { assignments, base64Of, description, entityBasics, leaf, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Apple ADE tokens with their enrollment profiles, Apple user-initiated enrollment profiles and
// Android Enterprise enrollment profiles (docs intune-enrollment-*, intune-androidforwork-*).

function depProfile(rng: Rng, ctx: GenerateContext, index: number): EmulatorNode {
  const mac = rng.bool(0.3);
  const fields: GraphJson = mac
    ? { '@odata.type': '#microsoft.graph.depMacOSEnrollmentProfile', fileVaultDisabled: false }
    : {
        '@odata.type': '#microsoft.graph.depIOSEnrollmentProfile',
        iTunesPairingMode: 'disallow',
        enableSharedIPad: false,
        sharedIPadMaximumUserCount: 0,
        userlessSharedAadModeEnabled: rng.bool(0.2),
      };
  return leaf({
    ...fields,
    id: `${ctx.id}_${new Rng(`${ctx.label}:profile:${index}`).hex(12)}`,
    displayName: policyName(rng, mac ? 'MAC' : 'IOS', 'ADE profile', index),
    description: description(rng, 'Automated device enrollment.') ?? '',
    requiresUserAuthentication: true,
    configurationEndpointUrl: 'https://appleconfigurator2.manage.microsoft.com/MDMServiceConfig',
    enableAuthenticationViaCompanyPortal: false,
    requireCompanyPortalOnSetupAssistantEnrolledDevices: false,
    isDefault: index === 0,
    // The first profile carries the revision: an edit of the token's profiles changes it.
    supervisedModeEnabled: index === 0 ? ctx.revision % 2 === 0 : true,
    supportDepartment: 'Contoso IT',
    supportPhoneNumber: '+1 555 0100',
    isMandatory: rng.bool(0.7),
    locationDisabled: rng.bool(),
    profileRemovalDisabled: true,
    deviceNameTemplate: rng.bool(0.5) ? 'CON-{{SERIAL}}' : '',
    enabledSkipKeys: rng.sample(
      ['Siri', 'Privacy', 'TOS', 'Location', 'Restore', 'Biometric'],
      rng.int(0, 6),
    ),
    enrollmentTimeAzureAdGroupIds: [],
  });
}

export const appleEnrollmentProfilesGenerator: PolicyGenerator = {
  weight: 0.2,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const profiles = Array.from({ length: rng.int(1, 4) }, (_, i) => depProfile(rng, ctx, i));
    return {
      object: {
        id: ctx.id,
        appleIdentifier: `mdm-${rng.hex(4)}@contoso.example`,
        tokenExpirationDateTime: '2026-09-30T12:00:00Z',
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        lastSuccessfulSyncDateTime: ctx.lastModifiedDateTime,
        lastSyncTriggeredDateTime: ctx.lastModifiedDateTime,
        shareTokenWithSchoolDataSyncService: false,
        lastSyncErrorCode: 0,
        tokenType: rng.pick(['dep', 'dep', 'appleSchoolManager']),
        tokenName: policyName(rng, 'APL', 'ADE token', ctx.index),
        syncedDeviceCount: rng.int(0, 3000),
        dataSharingConsentGranted: true,
        roleScopeTagIds: scopeTagIds(rng, ctx),
      },
      lists: { enrollmentProfiles: profiles },
    };
  },
};

export const appleUserEnrollmentProfilesGenerator: PolicyGenerator = {
  weight: 0.2,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const types = ['device', 'user', 'accountDrivenUserEnrollment'];
    return {
      object: {
        ...entityBasics(ctx, 'IOS', 'Enrollment type', 'Enrollment type for personal and corporate devices.'),
        defaultEnrollmentType: types[(rng.int(0, 2) + ctx.revision) % types.length],
        availableEnrollmentTypeOptions: [
          { ownerType: 'company', enrollmentType: 'device' },
          { ownerType: 'personal', enrollmentType: rng.pick(types) },
        ],
        priority: 1 + ctx.index,
        platform: 'iOS',
      },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const androidEnrollmentProfilesGenerator: PolicyGenerator = {
  weight: 0.4,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    // Enrollment secrets, as Graph lists them: the token, a QR code that embeds it, and the
    // Wi-Fi password of the network a dedicated device joins during setup.
    const token = Array.from({ length: 20 }, () => LETTERS[rng.int(0, 25)]).join('');
    const wifi = rng.bool(0.5) !== (ctx.revision % 2 === 1);
    return {
      object: {
        ...entityBasics(ctx, 'AND', 'Enrollment profile', 'Android Enterprise enrollment profile.'),
        accountId: new Rng(`${ctx.tenantLabel}:android-account`).guid(),
        enrollmentMode: rng.pick([
          'corporateOwnedDedicatedDevice',
          'corporateOwnedFullyManaged',
          'corporateOwnedWorkProfile',
        ]),
        enrollmentTokenType: 'default',
        tokenValue: token,
        tokenCreationDateTime: ctx.createdDateTime,
        tokenExpirationDateTime: '2026-12-31T00:00:00Z',
        enrolledDeviceCount: rng.int(0, 500),
        enrollmentTokenUsageCount: rng.int(0, 800),
        qrCodeContent: JSON.stringify({
          'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
            'com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN': token,
          },
        }),
        qrCodeImage: { type: 'image/png', value: base64Of(`PNG QR ${token}`) },
        roleScopeTagIds: scopeTagIds(rng, ctx),
        configureWifi: wifi,
        wifiSsid: wifi ? `CONTOSO-SETUP-${rng.int(1, 9)}` : null,
        wifiPassword: wifi ? `setup-${rng.hex(10)}` : null,
        wifiSecurityType: wifi ? 'wpa' : 'none',
        wifiHidden: false,
        isTeamsDeviceProfile: rng.bool(0.1),
      },
    };
  },
};
