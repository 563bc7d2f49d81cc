import { createHash } from 'node:crypto';
import { Rng } from '../prng';
import type { GraphJson } from '../types';
import { CERTIFICATE_VARIANTS } from './certificateProfiles';
import { assignments, base64Of, description, leaf, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Device configuration profiles: the classic templates, one @odata.type per platform and kind,
// drawn by weight (certificate, Wi-Fi and VPN profiles are a small share of a real tenant).
// `revision` moves a numeric setting of each variant, so `modify` changes configuration.

/** What a variant may link to: earlier profiles of the same tenant with a given role. */
export interface Links {
  /** The id of the nearest earlier profile with the role, if any. */
  nearest(role: string): string | undefined;
  /** The ids of up to `count` nearest earlier profiles with the role. */
  several(role: string, count: number): string[];
}

export interface Made {
  prefix: string;
  kind: string;
  fields: GraphJson;
  /** Per-item lists by navigation name (Windows privacy access controls). */
  lists?: Record<string, GraphJson[]>;
  /** Links to other profiles by navigation name (see EmulatorNode.references). */
  references?: Record<string, string | string[]>;
}

export interface Variant {
  /** Relative share among device configuration profiles. */
  weight: number;
  /** What other profiles may link to this one as, e.g. 'root:WIN' or 'identity:IOS'. */
  role?: string;
  /** `label` is unique per object, for draws that must not shift the others (a secret's text). */
  make(rng: Rng, revision: number, links: Links, label: string): Made;
}

const plain = (make: (rng: Rng, revision: number) => Made): Variant => ({ weight: 10, make });

const DATA_CATEGORIES = [
  'accountInfo',
  'calendar',
  'camera',
  'contacts',
  'location',
  'microphone',
  'messaging',
];

/** Per-app privacy rules of a Windows device restrictions profile: configuration, kept whole. */
function privacyAccessControls(rng: Rng): GraphJson[] {
  return Array.from({ length: rng.pick([0, 0, 1, 2, 3]) }, () => ({
    '@odata.type': '#microsoft.graph.windowsPrivacyDataAccessControlItem',
    id: rng.guid(),
    accessLevel: rng.pick(['forceAllow', 'forceDeny', 'userInControl']),
    dataCategory: rng.pick(DATA_CATEGORIES),
    appPackageFamilyName: rng.bool(0.5) ? `Contoso.App${rng.int(1, 40)}_${rng.hex(13)}` : null,
    appDisplayName: rng.bool(0.5) ? `Contoso App ${rng.int(1, 40)}` : null,
  }));
}

const BASE_VARIANTS: readonly Variant[] = [
  plain((rng, revision) => ({
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
    lists: { privacyAccessControls: privacyAccessControls(rng) },
  })),
  plain((rng, revision) => ({
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
  })),
  plain((rng, revision) => ({
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
  })),
  plain((rng, revision) => ({
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
  })),
  plain((rng, revision) => ({
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
  })),
  {
    weight: 10,
    make: (rng, revision, _links, label) => {
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
  },
  plain((rng, revision) => ({
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
  })),
  plain((rng, revision) => ({
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
  })),
];

const VARIANTS: readonly Variant[] = [...BASE_VARIANTS, ...CERTIFICATE_VARIANTS];
const TOTAL_WEIGHT = VARIANTS.reduce((sum, variant) => sum + variant.weight, 0);

/** The variant of the object seeded by `rng`: always its first draw, so others can tell it too. */
function variantOf(rng: Rng): Variant {
  let roll = rng.next() * TOTAL_WEIGHT;
  for (const variant of VARIANTS) {
    roll -= variant.weight;
    if (roll < 0) return variant;
  }
  return VARIANTS.at(-1) as Variant;
}

/** How far back a profile looks for the profiles it links to: each step seeds one small Rng. */
const LINK_SEARCH = 400;

/** Links to the nearest earlier profiles of a role: deterministic, and sure to have been generated. */
function linksOf(ctx: GenerateContext): Links {
  const several = (role: string, count: number): string[] => {
    const found: string[] = [];
    for (let k = ctx.index - 1; k >= Math.max(0, ctx.index - LINK_SEARCH) && found.length < count; k--) {
      const sibling = ctx.sibling(k);
      if (variantOf(new Rng(sibling.label)).role === role) found.push(sibling.id);
    }
    return found;
  };
  return { several, nearest: (role) => several(role, 1)[0] };
}

export const deviceConfigurationGenerator: PolicyGenerator = {
  weight: 15,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const variant = variantOf(rng).make(rng, ctx.revision, linksOf(ctx), ctx.label);
    const { '@odata.type': odataType, ...fields } = variant.fields;
    const lists = Object.fromEntries(
      Object.entries(variant.lists ?? {}).map(([name, items]) => [name, items.map(leaf)]),
    );
    return {
      object: {
        '@odata.type': odataType,
        id: ctx.id,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        roleScopeTagIds: scopeTagIds(rng, ctx),
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
      lists: { ...lists, assignments: assignments(rng, ctx.id, { tenant: ctx }) },
      ...(variant.references ? { references: variant.references } : {}),
    };
  },
};
