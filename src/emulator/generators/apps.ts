import { tenantApp } from '../pools';
import { Rng } from '../prng';
import type { EmulatorNode, GraphJson } from '../types';
import { assignments, description, leaf, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// App protection (MAM) and app configuration policies.

const IOS_APPS = [
  'com.microsoft.Office.Outlook',
  'com.microsoft.skype.teams',
  'com.microsoft.msedge',
  'com.microsoft.Office.Word',
  'com.microsoft.Office.Excel',
  'com.microsoft.Office.Powerpoint',
  'com.microsoft.sharepoint',
  'com.microsoft.skydrive',
  'com.microsoft.onenote',
  'com.microsoft.to-do',
];
const ANDROID_APPS = [
  'com.microsoft.office.outlook',
  'com.microsoft.teams',
  'com.microsoft.emmx',
  'com.microsoft.office.word',
  'com.microsoft.office.excel',
  'com.microsoft.office.powerpoint',
  'com.microsoft.sharepoint',
  'com.microsoft.skydrive',
  'com.microsoft.office.onenote',
  'com.microsoft.todos',
];

function managedApps(rng: Rng, policyId: string, platform: 'ios' | 'android' | 'windows'): EmulatorNode[] {
  const catalog = platform === 'ios' ? IOS_APPS : ANDROID_APPS;
  const count = rng.bool(0.1) ? 0 : rng.int(3, catalog.length);
  return rng.sample(catalog, count).map((app) => {
    const mobileAppIdentifier =
      platform === 'ios'
        ? { '@odata.type': '#microsoft.graph.iosMobileAppIdentifier', bundleId: app }
        : platform === 'android'
          ? { '@odata.type': '#microsoft.graph.androidMobileAppIdentifier', packageId: app }
          : { '@odata.type': '#microsoft.graph.windowsAppIdentifier', windowsAppId: app };
    return leaf({
      id: `${app}.${platform}`,
      mobileAppIdentifier,
      version: `-${new Rng(`${policyId}:${app}`).int(100000000, 999999999)}`,
    });
  });
}

function protectionFields(rng: Rng, revision: number): GraphJson {
  return {
    periodOfflineBeforeAccessCheck: 'PT12H',
    periodOnlineBeforeAccessCheck: 'PT30M',
    allowedInboundDataTransferSources: rng.pick(['allApps', 'managedApps']),
    allowedOutboundDataTransferDestinations: rng.pick(['managedApps', 'allApps', 'none']),
    organizationalCredentialsRequired: false,
    allowedOutboundClipboardSharingLevel: rng.pick(['managedAppsWithPasteIn', 'managedApps', 'allApps']),
    dataBackupBlocked: true,
    deviceComplianceRequired: rng.bool(0.7),
    managedBrowserToOpenLinksRequired: rng.bool(0.5),
    saveAsBlocked: true,
    periodOfflineBeforeWipeIsEnforced: `P${90 + revision}D`,
    pinRequired: true,
    maximumPinRetries: 5,
    simplePinBlocked: true,
    minimumPinLength: 4 + (revision % 4),
    pinCharacterSet: 'numeric',
    periodBeforePinReset: 'PT0S',
    allowedDataStorageLocations: ['oneDriveForBusiness', 'sharePoint'],
    contactSyncBlocked: false,
    printBlocked: rng.bool(0.4),
    fingerprintBlocked: false,
    disableAppPinIfDevicePinIsSet: rng.bool(0.5),
    minimumRequiredOsVersion: null,
    minimumWarningOsVersion: null,
    minimumRequiredAppVersion: null,
    minimumWarningAppVersion: null,
    minimumWipeOsVersion: null,
    minimumWipeAppVersion: null,
    appActionIfDeviceComplianceRequired: 'block',
    appActionIfMaximumPinRetriesExceeded: 'block',
    pinRequiredInsteadOfBiometricTimeout: 'PT30M',
    allowedOutboundClipboardSharingExceptionLength: 0,
    notificationRestriction: 'allow',
    previousPinBlockCount: 0,
    managedBrowser: 'microsoftEdge',
    maximumAllowedDeviceThreatLevel: 'notConfigured',
    mobileThreatDefenseRemediationAction: 'block',
    blockDataIngestionIntoOrganizationDocuments: false,
    allowedDataIngestionLocations: ['oneDriveForBusiness', 'sharePoint', 'camera', 'photoLibrary'],
    appActionIfUnableToAuthenticateUser: null,
    dialerRestrictionLevel: 'allApps',
    gracePeriodToBlockAppsDuringOffClockHours: null,
    protectedMessagingRedirectAppType: 'anyApp',
    isAssigned: true,
    targetedAppManagementLevels: 'unspecified',
    appGroupType: rng.pick(['selectedPublicApps', 'allMicrosoftApps', 'allCoreMicrosoftApps']),
  };
}

// One collection per platform (the registry's order): iOS, Android, Windows, WIP (MDM).
const PROTECTION = [
  { type: '#microsoft.graph.iosManagedAppProtection', prefix: 'IOS', platform: 'ios' as const },
  { type: '#microsoft.graph.androidManagedAppProtection', prefix: 'AND', platform: 'android' as const },
  { type: '#microsoft.graph.windowsManagedAppProtection', prefix: 'WIN', platform: 'windows' as const },
];
/** WIP with enrollment (mdm) and without: the registry's collections 3 and 4. */
const WIP_COLLECTIONS: Readonly<Record<number, { type: string; kind: string }>> = {
  3: { type: '#microsoft.graph.mdmWindowsInformationProtectionPolicy', kind: 'WIP (MDM)' },
  4: { type: '#microsoft.graph.windowsInformationProtectionPolicy', kind: 'WIP (MAM)' },
};

function appLockerFiles(rng: Rng, policyId: string, kind: string): EmulatorNode[] {
  return Array.from({ length: rng.int(0, 2) }, (_, i) =>
    leaf({
      id: new Rng(`${policyId}:${kind}:${i}`).guid(),
      displayName: `${kind}-${i + 1}.xml`,
      fileHash: rng.hex(32),
      version: '1.0',
    }),
  );
}

export const appProtectionGenerator: PolicyGenerator = {
  weight: 5,
  pickCollection: (rng) => (rng.bool(0.08) ? rng.int(3, 4) : rng.int(0, 2)),
  generate(ctx: GenerateContext): EmulatorNode {
    const { rng } = ctx;
    const common = {
      displayName: '',
      description: description(rng, 'App protection policy.'),
      createdDateTime: ctx.createdDateTime,
      lastModifiedDateTime: ctx.lastModifiedDateTime,
      roleScopeTagIds: scopeTagIds(rng, ctx),
      id: ctx.id,
      version: `"${rng.hex(8)}-${ctx.revision}"`,
    };
    // Windows Information Protection policies have assignments and AppLocker files, no apps.
    const wip = WIP_COLLECTIONS[ctx.collectionIndex];
    if (wip) {
      return {
        object: {
          '@odata.type': wip.type,
          ...common,
          displayName: policyName(rng, 'WIN', wip.kind, ctx.index),
          enforcementLevel: rng.pick(['noProtection', 'encryptAuditAndBlock']),
          enterpriseDomain: 'contoso.example',
          protectionUnderLockConfigRequired: false,
          revokeOnUnenrollDisabled: false,
          azureRightsManagementServicesAllowed: false,
          iconsVisible: true,
          isAssigned: false,
        },
        lists: {
          assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }),
          protectedAppLockerFiles: appLockerFiles(rng, ctx.id, 'protected'),
          exemptAppLockerFiles: appLockerFiles(rng, ctx.id, 'exempt'),
        },
      };
    }
    const variant = PROTECTION[ctx.collectionIndex] ?? (PROTECTION[0] as (typeof PROTECTION)[number]);
    const object: GraphJson = {
      '@odata.type': variant.type,
      ...common,
      displayName: policyName(rng, variant.prefix, 'App protection', ctx.index),
      ...protectionFields(rng, ctx.revision),
      deployedAppCount: 0,
    };
    if (variant.platform === 'ios')
      Object.assign(object, {
        appDataEncryptionType: 'whenDeviceLocked',
        faceIdBlocked: false,
        customBrowserProtocol: '',
        exemptedAppProtocols: [
          {
            name: 'Default',
            value: 'skype;app-settings;calshow;itms;itmss;itms-apps;itms-appss;itms-services;',
          },
        ],
      });
    if (variant.platform === 'android')
      Object.assign(object, {
        screenCaptureBlocked: true,
        disableAppEncryptionIfDeviceEncryptionIsEnabled: false,
        encryptAppData: true,
        exemptedAppPackages: [],
        requireClass3Biometrics: false,
      });
    return {
      object,
      lists: {
        apps: managedApps(rng, ctx.id, variant.platform),
        assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }),
      },
    };
  },
};

export const appConfigurationGenerator: PolicyGenerator = {
  weight: 5,
  // mobileAppConfigurations (managed devices) outnumber targetedManagedAppConfigurations (MAM).
  pickCollection: (rng) => (rng.bool(0.6) ? 0 : 1),
  generate(ctx: GenerateContext): EmulatorNode {
    const { rng } = ctx;
    const common = {
      id: ctx.id,
      description: description(rng, 'App configuration.'),
      createdDateTime: ctx.createdDateTime,
      lastModifiedDateTime: ctx.lastModifiedDateTime,
      roleScopeTagIds: scopeTagIds(rng, ctx),
      version: 1 + ctx.revision,
    };
    const assigned = assignments(rng, ctx.id, { tenant: ctx, bare: true });
    if (ctx.collectionIndex === 1) {
      return {
        object: {
          '@odata.type': '#microsoft.graph.targetedManagedAppConfiguration',
          ...common,
          displayName: policyName(rng, 'MAM', 'App configuration', ctx.index),
          customSettings: [
            { name: 'com.microsoft.outlook.EmailProfile.AccountType', value: 'ModernAuth' },
            { name: 'com.microsoft.outlook.Mail.FocusedInbox', value: String(ctx.revision % 2 === 0) },
          ],
          appGroupType: 'selectedPublicApps',
          targetedAppManagementLevels: 'unspecified',
          deployedAppCount: rng.int(1, 5),
          isAssigned: assigned.length > 0,
        },
        lists: {
          assignments: assigned,
          apps: managedApps(rng, ctx.id, rng.bool() ? 'ios' : 'android'),
          settings: Array.from({ length: rng.int(0, 3) }, (_, i) =>
            leaf({
              '@odata.type': '#microsoft.graph.deviceManagementConfigurationSetting',
              id: String(i),
              settingInstance: {
                '@odata.type': '#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance',
                settingDefinitionId: `mam_appconfig_setting_${i}`,
                simpleSettingValue: {
                  '@odata.type': '#microsoft.graph.deviceManagementConfigurationStringSettingValue',
                  value: `value-${ctx.revision}-${i}`,
                },
              },
            }),
          ),
        },
      };
    }
    const ios = rng.bool();
    return {
      object: ios
        ? {
            '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
            ...common,
            displayName: policyName(rng, 'IOS', 'Managed app configuration', ctx.index),
            targetedMobileApps: [tenantApp(ctx.tenantLabel, 'ios', rng.int(0, 99))],
            encodedSettingXml: null,
            settings: [
              {
                appConfigKey: 'IntuneMAMUPN',
                appConfigKeyType: 'stringType',
                appConfigKeyValue: '{{userprincipalname}}',
              },
              {
                appConfigKey: 'AllowedAccounts',
                appConfigKeyType: 'integerType',
                appConfigKeyValue: String(1 + ctx.revision),
              },
            ],
          }
        : {
            '@odata.type': '#microsoft.graph.androidManagedStoreAppConfiguration',
            ...common,
            displayName: policyName(rng, 'AND', 'Managed app configuration', ctx.index),
            targetedMobileApps: [tenantApp(ctx.tenantLabel, 'android', rng.int(0, 99))],
            packageId: 'app:com.microsoft.office.outlook',
            payloadJson: Buffer.from(
              JSON.stringify({
                kind: 'androidenterprise#managedConfiguration',
                productId: 'app:com.microsoft.office.outlook',
                managedProperty: [
                  {
                    key: 'com.microsoft.outlook.Mail.BlockExternalImagesEnabled',
                    valueBool: ctx.revision % 2 === 0,
                  },
                ],
              }),
            ).toString('base64'),
            permissionActions: [],
            profileApplicability: 'default',
            connectedAppsEnabled: false,
            appSupportsOemConfig: false,
          },
      lists: { assignments: assigned },
    };
  },
};
