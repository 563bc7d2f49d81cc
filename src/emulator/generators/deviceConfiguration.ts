import { createHash } from 'node:crypto';
import type { Rng } from '../prng';
import type { GraphJson } from '../types';
import { assignments, base64Of, description, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Device configuration profiles: the classic templates, one @odata.type per platform and kind.
// `revision` moves a numeric setting of each variant, so `modify` changes configuration.

type Variant = (
  rng: Rng,
  revision: number,
  label: string,
) => { prefix: string; kind: string; fields: GraphJson };

const VARIANTS: readonly Variant[] = [
  (rng, revision) => ({
    prefix: 'WIN',
    kind: 'Device restrictions',
    fields: {
      '@odata.type': '#microsoft.graph.windows10GeneralConfiguration',
      passwordRequired: true,
      passwordMinimumLength: 8 + ((rng.int(0, 6) + revision) % 20),
      passwordRequiredType: rng.pick(['alphanumeric', 'numeric', 'deviceDefault']),
      passwordMinutesOfInactivityBeforeScreenTimeout: rng.pick([5, 10, 15, 30]),
      cameraBlocked: rng.bool(0.1),
      storageBlockRemovableStorage: rng.bool(0.4),
      edgeBlockPasswordManager: rng.bool(0.5),
      defenderRequireRealTimeMonitoring: true,
      defenderScanType: rng.pick(['quick', 'full', 'userDefined']),
      defenderScheduledScanTime: `0${rng.int(0, 5)}:00:00.0000000`,
      privacyAdvertisingId: rng.pick(['notConfigured', 'blocked', 'allowed']),
      bluetoothAllowedServices: [],
      appsBlockWindowsStoreOriginatedApps: rng.bool(0.2),
      smartScreenEnableAppInstallControl: rng.bool(0.5),
    },
  }),
  (rng, revision) => ({
    prefix: 'IOS',
    kind: 'Device restrictions',
    fields: {
      '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration',
      passcodeRequired: true,
      passcodeMinimumLength: 4 + ((rng.int(0, 4) + revision) % 12),
      passcodeRequiredType: rng.pick(['numeric', 'alphanumeric', 'deviceDefault']),
      passcodeMinutesOfInactivityBeforeLock: rng.pick([1, 2, 5, 15]),
      cameraBlocked: rng.bool(0.1),
      iCloudBlockBackup: rng.bool(0.6),
      appStoreBlockInAppPurchases: rng.bool(0.5),
      safariBlockAutofill: rng.bool(0.3),
      compliantAppsList: [],
      compliantAppListType: 'none',
    },
  }),
  (rng, revision) => ({
    prefix: 'WIN',
    kind: 'Endpoint protection',
    fields: {
      '@odata.type': '#microsoft.graph.windows10EndpointProtectionConfiguration',
      firewallProfileDomain: { firewallEnabled: 'allowed', inboundConnectionsBlocked: rng.bool(0.7) },
      firewallProfilePrivate: { firewallEnabled: 'allowed', inboundConnectionsBlocked: rng.bool(0.7) },
      firewallProfilePublic: { firewallEnabled: 'allowed', inboundConnectionsBlocked: true },
      bitLockerEncryptDevice: true,
      bitLockerSystemDrivePolicy: {
        encryptionMethod: rng.pick(['xtsAes128', 'xtsAes256']),
        startupAuthenticationRequired: true,
        startupAuthenticationTpmUsage: 'required',
        minimumPinLength: 6 + revision,
        recoveryOptions: { recoveryKeyUsage: 'allowed', hideRecoveryOptions: true },
      },
      defenderAttackSurfaceReductionExcludedPaths: [],
      smartScreenEnableInShell: true,
    },
  }),
  (rng, revision) => ({
    prefix: 'MAC',
    kind: 'Custom profile',
    fields: {
      '@odata.type': '#microsoft.graph.macOSCustomConfiguration',
      payloadName: 'Login window',
      payloadFileName: `loginwindow-${rng.hex(6)}.mobileconfig`,
      payload: base64Of(
        `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>LoginwindowText</key><string>Property of Contoso r${revision}</string><key>DisableGuestAccount</key><true/></dict></plist>`,
      ),
      deploymentChannel: 'deviceChannel',
    },
  }),
  (rng, revision) => ({
    prefix: 'WIN',
    kind: 'Update ring',
    fields: {
      '@odata.type': '#microsoft.graph.windowsUpdateForBusinessConfiguration',
      deliveryOptimizationMode: 'httpWithPeeringNat',
      automaticUpdateMode: 'autoInstallAtMaintenanceTime',
      qualityUpdatesDeferralPeriodInDays: (rng.int(0, 14) + revision) % 31,
      featureUpdatesDeferralPeriodInDays: rng.pick([0, 30, 60, 90]),
      deadlineForQualityUpdatesInDays: rng.int(1, 7),
      deadlineGracePeriodInDays: rng.int(0, 3),
      installationSchedule: {
        '@odata.type': '#microsoft.graph.windowsUpdateActiveHoursInstall',
        activeHoursStart: '08:00:00.0000000',
        activeHoursEnd: '17:00:00.0000000',
      },
    },
  }),
  (rng, revision, label) => {
    const count = rng.int(1, 8);
    const omaSettings: GraphJson[] = Array.from({ length: count }, (_, i) => ({
      '@odata.type': '#microsoft.graph.omaSettingInteger',
      displayName: `Setting ${i}`,
      description: null,
      omaUri: `./Device/Vendor/MSFT/Policy/Config/Experience/Setting${i}`,
      secretReferenceValueId: null,
      isEncrypted: false,
      value: i === 0 ? revision : rng.int(0, 2),
      isReadOnly: false,
    }));
    // About half also hold a string Intune stores encrypted (served as "****", see
    // ../encryptedValues.ts). Derived from the label, not drawn, so the other objects stay as they were.
    if (count % 2 === 1) {
      const secret = createHash('sha256').update(label).digest('hex').slice(0, 16);
      omaSettings.push({
        '@odata.type': '#microsoft.graph.omaSettingString',
        displayName: 'Proxy credential',
        description: null,
        omaUri: './Device/Vendor/MSFT/Policy/Config/Connectivity/ProxyCredential',
        secretReferenceValueId: null,
        isEncrypted: true,
        value: `generated-secret-${secret}-r${revision}`,
        isReadOnly: false,
      });
    }
    return {
      prefix: 'WIN',
      kind: 'Custom OMA-URI',
      fields: { '@odata.type': '#microsoft.graph.windows10CustomConfiguration', omaSettings },
    };
  },
  (rng, revision) => ({
    prefix: 'AND',
    kind: 'Work profile restrictions',
    fields: {
      '@odata.type': '#microsoft.graph.androidWorkProfileGeneralDeviceConfiguration',
      passwordBlockFingerprintUnlock: rng.bool(0.2),
      passwordMinimumLength: 4 + ((rng.int(0, 4) + revision) % 12),
      passwordRequiredType: rng.pick(['deviceDefault', 'numeric', 'alphanumeric']),
      workProfileDataSharingType: rng.pick(['deviceDefault', 'preventAny', 'allowPersonalToWork']),
      workProfileBlockCamera: rng.bool(0.1),
      workProfileBlockScreenCapture: rng.bool(0.6),
      securityRequireVerifyApps: true,
    },
  }),
  (rng, revision) => ({
    prefix: 'WIN',
    kind: 'Wi-Fi',
    fields: {
      '@odata.type': '#microsoft.graph.windowsWifiConfiguration',
      ssid: `CONTOSO-${rng.hex(4).toUpperCase()}`,
      networkName: 'Contoso corporate',
      connectAutomatically: true,
      connectWhenNetworkNameIsHidden: rng.bool(0.2),
      wifiSecurityType: 'wpa2Personal',
      meteredConnectionLimit: 'unrestricted',
      proxySetting: 'none',
      forceFIPSCompliance: false,
      preSharedKey: null,
      proxyAutomaticConfigurationUrl: null,
      proxyManualPort: 8080 + revision,
    },
  }),
];

export const deviceConfigurationGenerator: PolicyGenerator = {
  weight: 15,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const variant = rng.pick(VARIANTS)(rng, ctx.revision, ctx.label);
    const { '@odata.type': odataType, ...fields } = variant.fields;
    return {
      object: {
        '@odata.type': odataType,
        id: ctx.id,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        roleScopeTagIds: scopeTagIds(rng),
        supportsScopeTags: true,
        deviceManagementApplicabilityRuleOsEdition: null,
        deviceManagementApplicabilityRuleOsVersion: null,
        deviceManagementApplicabilityRuleDeviceMode: null,
        createdDateTime: ctx.createdDateTime,
        description: description(rng, `${variant.kind} profile.`),
        displayName: policyName(rng, variant.prefix, variant.kind, ctx.index),
        version: 1 + ctx.revision,
        ...fields,
      },
      lists: { assignments: assignments(rng, ctx.id, { tenantLabel: ctx.tenantLabel }) },
    };
  },
};
