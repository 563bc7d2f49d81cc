import {
  allDevicesAssignment,
  allUsersAssignment,
  catalogSettings,
  choice,
  demoGuid,
  exclusionAssignment,
  groupAssignment,
  groupCollection,
  NON_COMPLIANT_TEMPLATE_ID,
  scheduledActions,
  simpleCollection,
  simpleInteger,
  simpleString,
} from './demoShapes';
import type { EmulatorPolicy, EmulatorTenantSeed } from './types';
import {
  CONFIGURATION_POLICY_TEMPLATES,
  configurationPolicyTemplateId,
} from './pools/configurationPolicyTemplates';
import { directoryId } from './pools/directory';

/** The tenant `npm run dev` registers against the emulator. Nothing here is a real credential. */
export const DEMO_TENANT = Object.freeze({
  slug: 'contoso-demo',
  displayName: 'Contoso (demo)',
  azureTenantId: '3f2b8c1e-7d4a-4e9b-b6c2-5a1d0e8f7c34',
  clientId: '9c6e2a71-0b3d-4f85-a1e7-c4d28b5f9a06',
  clientSecret: 'emulator-dev-only-secret-not-a-real-credential',
});

// The groups the demo policies target are groups of the demo tenant's emulated directory (the k-th
// of its pool, whose label is the lower-cased tenant id), so a backup resolves them and a restore
// with assignments is not blocked as missing_reference. The labels say what each group stands
// for; the directory names its groups itself.
const DEMO_GROUPS = [
  'All Windows devices',
  'Finance devices',
  'Kiosk devices',
  'Broad ring devices',
  'Defender pilot exclusions',
] as const;
const group = (label: (typeof DEMO_GROUPS)[number]) =>
  directoryId(DEMO_TENANT.azureTenantId.toLowerCase(), 'groups', DEMO_GROUPS.indexOf(label));

const CREATED = '2025-03-14T09:12:44.1234567Z';
const MODIFIED = '2025-10-02T16:40:05.7654321Z';

const base = (label: string) => ({
  id: demoGuid(`policy:${label}`),
  createdDateTime: CREATED,
  lastModifiedDateTime: MODIFIED,
  roleScopeTagIds: ['0'],
});

function deviceConfigurations(): EmulatorPolicy[] {
  const winRestrictions = base('dc:win-restrictions');
  const iosRestrictions = base('dc:ios-restrictions');
  const winEndpoint = base('dc:win-endpoint-protection');
  const macCustom = base('dc:mac-custom-loginwindow');
  const updateRing = base('dc:win-update-ring-broad');
  const winCustom = base('dc:win-custom-site-to-zone');
  const common = { supportsScopeTags: true, deviceManagementApplicabilityRuleOsEdition: null, version: 3 };
  return [
    {
      object: {
        '@odata.type': '#microsoft.graph.windows10GeneralConfiguration',
        ...winRestrictions,
        ...common,
        displayName: 'Windows - Device restrictions',
        description: 'Baseline restrictions for corporate Windows devices',
        passwordRequired: true,
        passwordMinimumLength: 12,
        passwordRequiredType: 'alphanumeric',
        passwordMinutesOfInactivityBeforeScreenTimeout: 15,
        cameraBlocked: false,
        storageBlockRemovableStorage: true,
        edgeBlockPasswordManager: true,
        defenderRequireRealTimeMonitoring: true,
        defenderScanType: 'quick',
        defenderScheduledScanTime: '02:00:00.0000000',
        privacyAdvertisingId: 'blocked',
        bluetoothAllowedServices: [],
      },
      assignments: [
        groupAssignment(winRestrictions.id, group('All Windows devices')),
        groupAssignment(winRestrictions.id, group('Finance devices')),
        exclusionAssignment(winRestrictions.id, group('Kiosk devices')),
      ],
    },
    {
      object: {
        '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration',
        ...iosRestrictions,
        ...common,
        displayName: 'iOS - Device restrictions',
        description: null,
        passcodeRequired: true,
        passcodeMinimumLength: 6,
        passcodeRequiredType: 'numeric',
        passcodeMinutesOfInactivityBeforeLock: 5,
        cameraBlocked: false,
        iCloudBlockBackup: true,
        appStoreBlockInAppPurchases: true,
        safariBlockAutofill: false,
        compliantAppsList: [],
      },
      assignments: [allUsersAssignment(iosRestrictions.id)],
    },
    {
      object: {
        '@odata.type': '#microsoft.graph.windows10EndpointProtectionConfiguration',
        ...winEndpoint,
        ...common,
        displayName: 'Windows - Endpoint protection (BitLocker, Firewall)',
        description: 'Disk encryption and firewall for all Windows devices',
        firewallProfileDomain: { firewallEnabled: 'allowed', inboundConnectionsBlocked: true },
        firewallProfilePrivate: { firewallEnabled: 'allowed', inboundConnectionsBlocked: true },
        firewallProfilePublic: { firewallEnabled: 'allowed', inboundConnectionsBlocked: true },
        bitLockerEncryptDevice: true,
        bitLockerSystemDrivePolicy: {
          encryptionMethod: 'xtsAes256',
          startupAuthenticationRequired: true,
          startupAuthenticationTpmUsage: 'required',
          recoveryOptions: {
            recoveryKeyUsage: 'allowed',
            hideRecoveryOptions: true,
            enableBitLockerAfterRecoveryInformationToStore: true,
          },
        },
        defenderAttackSurfaceReductionExcludedPaths: [],
        smartScreenEnableInShell: true,
      },
      assignments: [allDevicesAssignment(winEndpoint.id)],
    },
    {
      object: {
        '@odata.type': '#microsoft.graph.macOSCustomConfiguration',
        ...macCustom,
        ...common,
        displayName: 'macOS - Custom: Login window',
        description: 'Login window message and guest account',
        payloadName: 'Login window',
        payloadFileName: 'loginwindow.mobileconfig',
        // "<?xml ...><plist>...</plist>" as Graph returns it: base64 of the profile.
        payload: Buffer.from(
          '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>LoginwindowText</key><string>Property of Contoso</string><key>DisableGuestAccount</key><true/></dict></plist>',
        ).toString('base64'),
        deploymentChannel: 'deviceChannel',
      },
    },
    {
      object: {
        '@odata.type': '#microsoft.graph.windowsUpdateForBusinessConfiguration',
        ...updateRing,
        ...common,
        displayName: 'Windows - Update ring (Broad)',
        description: null,
        deliveryOptimizationMode: 'httpWithPeeringNat',
        automaticUpdateMode: 'autoInstallAtMaintenanceTime',
        qualityUpdatesDeferralPeriodInDays: 7,
        featureUpdatesDeferralPeriodInDays: 30,
        deadlineForQualityUpdatesInDays: 3,
        deadlineGracePeriodInDays: 2,
        installationSchedule: {
          '@odata.type': '#microsoft.graph.windowsUpdateActiveHoursInstall',
          activeHoursStart: '08:00:00.0000000',
          activeHoursEnd: '17:00:00.0000000',
        },
      },
      assignments: [groupAssignment(updateRing.id, group('Broad ring devices'))],
    },
    {
      // Intune stores string OMA-URI values encrypted: the emulator serves this one as "****"
      // and gives its plain text only to an app granted the write permission (encryptedValues.ts).
      object: {
        '@odata.type': '#microsoft.graph.windows10CustomConfiguration',
        ...winCustom,
        ...common,
        displayName: 'Windows - Custom: Intranet site to zone',
        description: 'Site to zone assignment for the intranet (OMA-URI)',
        omaSettings: [
          {
            '@odata.type': '#microsoft.graph.omaSettingString',
            displayName: 'Site to zone assignment list',
            description: null,
            omaUri: './User/Vendor/MSFT/Policy/Config/InternetExplorer/AllowSiteToZoneAssignmentList',
            secretReferenceValueId: null,
            isEncrypted: true,
            value:
              '<enabled/><data id="IZ_ZonemapPrompt" value="https://intranet.contoso.example&#xF000;1"/>',
            isReadOnly: false,
          },
          {
            '@odata.type': '#microsoft.graph.omaSettingInteger',
            displayName: 'Allow Cortana',
            description: null,
            omaUri: './Device/Vendor/MSFT/Policy/Config/Experience/AllowCortana',
            secretReferenceValueId: null,
            isEncrypted: false,
            value: 0,
            isReadOnly: false,
          },
        ],
      },
      assignments: [groupAssignment(winCustom.id, group('All Windows devices'))],
    },
  ];
}

/** The demo's templates are Microsoft's (the emulator's pool), so a restore from them is accepted. */
function templateIdOfFamily(family: string | undefined): string {
  const template = CONFIGURATION_POLICY_TEMPLATES.find((candidate) => candidate.family === family);
  return template ? configurationPolicyTemplateId(template) : '';
}

function catalogPolicy(
  label: string,
  fields: { name: string; description: string; platforms: string; technologies: string; template?: string },
  settings: ReturnType<typeof catalogSettings>,
): EmulatorPolicy & { object: { id: string } } {
  const common = base(label);
  return {
    object: {
      ...common,
      name: fields.name,
      description: fields.description,
      platforms: fields.platforms,
      technologies: fields.technologies,
      settingCount: settings.length,
      creationSource: null,
      isAssigned: false,
      priorityMetaData: null,
      templateReference: {
        templateId: templateIdOfFamily(fields.template),
        templateFamily: fields.template ?? 'none',
        templateDisplayName: null,
        templateDisplayVersion: null,
      },
    },
    settings,
  };
}

const DEFENDER = 'device_vendor_msft_policy_config_defender';

function settingsCatalogPolicies(): EmulatorPolicy[] {
  const defender = catalogPolicy(
    'sc:defender-av',
    {
      name: 'Windows - Microsoft Defender Antivirus',
      description: 'Antivirus settings for all corporate Windows devices',
      platforms: 'windows10',
      technologies: 'mdm,microsoftSense',
      template: 'endpointSecurityAntivirus',
    },
    catalogSettings([
      choice(`${DEFENDER}_allowarchivescanning`, '1'),
      choice(`${DEFENDER}_allowbehaviormonitoring`, '1'),
      choice(`${DEFENDER}_allowcloudprotection`, '1'),
      choice(`${DEFENDER}_allowrealtimemonitoring`, '1'),
      choice(`${DEFENDER}_cloudblocklevel`, '2'),
      simpleInteger(`${DEFENDER}_cloudextendedtimeout`, 50),
      simpleInteger(`${DEFENDER}_avgcpuloadfactor`, 30),
      choice(`${DEFENDER}_puaprotection`, '1'),
      simpleCollection(`${DEFENDER}_excludedextensions`, ['.log', '.etl']),
    ]),
  );
  const edge = catalogPolicy(
    'sc:edge-security',
    {
      name: 'Windows - Edge security',
      description: 'SmartScreen and password manager for Microsoft Edge',
      platforms: 'windows10',
      technologies: 'mdm',
    },
    catalogSettings([
      choice(
        'device_vendor_msft_policy_config_microsoft_edgev96~policy~microsoft_edge~smartscreen_smartscreenenabled',
        '1',
        [
          choice(
            'device_vendor_msft_policy_config_microsoft_edgev96~policy~microsoft_edge~smartscreen_smartscreenenabled_smartscreenenabled',
            '1',
          ),
        ],
      ),
      choice(
        'device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_passwordmanagerenabled',
        '0',
      ),
      simpleString(
        'device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_homepagelocation',
        'https://intranet.contoso.example',
      ),
    ]),
  );
  const fileVault = catalogPolicy(
    'sc:macos-filevault',
    {
      name: 'macOS - FileVault',
      description: '',
      platforms: 'macOS',
      technologies: 'mdm,appleRemoteManagement',
    },
    catalogSettings([
      groupCollection('com.apple.mcx.filevault2_com.apple.mcx.filevault2', [
        [
          choice('com.apple.mcx.filevault2_enable', '0'),
          choice('com.apple.mcx.filevault2_defer', 'true'),
          simpleInteger('com.apple.mcx.filevault2_deferforceatuserloginmaxbypassattempts', 0),
        ],
      ]),
      choice('com.apple.mcx_dontallowfdedisable', 'true'),
    ]),
  );
  const bitLocker = catalogPolicy(
    'sc:bitlocker',
    {
      name: 'Windows - BitLocker (Endpoint security)',
      description: 'Disk encryption profile',
      platforms: 'windows10',
      technologies: 'mdm',
      template: 'endpointSecurityDiskEncryption',
    },
    catalogSettings([
      choice('device_vendor_msft_bitlocker_requiredeviceencryption', '1'),
      choice('device_vendor_msft_bitlocker_allowwarningforotherdiskencryption', '0', [
        choice('device_vendor_msft_bitlocker_allowstandarduserencryption', '1'),
      ]),
      choice('device_vendor_msft_bitlocker_encryptionmethodbydrivetype', '1', [
        choice(
          'device_vendor_msft_bitlocker_encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name',
          '7',
        ),
      ]),
    ]),
  );
  defender.assignments = [
    groupAssignment(defender.object.id, group('All Windows devices')),
    exclusionAssignment(defender.object.id, group('Defender pilot exclusions')),
  ];
  defender.object.isAssigned = true;
  bitLocker.assignments = [allDevicesAssignment(bitLocker.object.id)];
  bitLocker.object.isAssigned = true;
  return [defender, edge, fileVault, bitLocker];
}

function compliancePolicies(): EmulatorPolicy[] {
  const win = base('cp:windows');
  const ios = base('cp:ios');
  const android = base('cp:android-work-profile');
  return [
    {
      object: {
        '@odata.type': '#microsoft.graph.windows10CompliancePolicy',
        ...win,
        version: 4,
        displayName: 'Windows - Compliance',
        description: 'BitLocker, Secure Boot, minimum OS build',
        passwordRequired: true,
        passwordMinimumLength: 12,
        osMinimumVersion: '10.0.19045',
        bitLockerEnabled: true,
        secureBootEnabled: true,
        codeIntegrityEnabled: true,
        defenderEnabled: true,
        rtpEnabled: true,
        deviceThreatProtectionEnabled: false,
        deviceThreatProtectionRequiredSecurityLevel: 'unavailable',
        validOperatingSystemBuildRanges: [],
      },
      scheduledActionsForRule: scheduledActions(win.id, 24),
      assignments: [groupAssignment(win.id, group('All Windows devices'))],
    },
    {
      object: {
        '@odata.type': '#microsoft.graph.iosCompliancePolicy',
        ...ios,
        version: 2,
        displayName: 'iOS - Compliance',
        description: null,
        passcodeRequired: true,
        passcodeMinimumLength: 6,
        osMinimumVersion: '17.0',
        securityBlockJailbrokenDevices: true,
        deviceThreatProtectionEnabled: false,
        managedEmailProfileRequired: false,
        restrictedApps: [],
      },
      scheduledActionsForRule: scheduledActions(ios.id),
      assignments: [allUsersAssignment(ios.id)],
    },
    {
      object: {
        '@odata.type': '#microsoft.graph.androidWorkProfileCompliancePolicy',
        ...android,
        version: 1,
        displayName: 'Android Enterprise (work profile) - Compliance',
        description: null,
        passwordRequired: true,
        passwordMinimumLength: 6,
        passwordRequiredType: 'numericComplex',
        securityBlockJailbrokenDevices: true,
        securityRequireSafetyNetAttestationBasicIntegrity: true,
        securityRequireSafetyNetAttestationCertifiedDevice: true,
        osMinimumVersion: '12.0',
        storageRequireEncryption: true,
      },
      scheduledActionsForRule: scheduledActions(android.id, 72),
    },
  ];
}

function notificationTemplates(): EmulatorPolicy[] {
  const id = NON_COMPLIANT_TEMPLATE_ID;
  const message = (locale: string, subject: string, messageTemplate: string) => ({
    id: `${id}_${locale}`,
    lastModifiedDateTime: MODIFIED,
    locale,
    subject,
    messageTemplate,
    isDefault: locale === 'en-us',
  });
  return [
    {
      object: {
        id,
        lastModifiedDateTime: MODIFIED,
        displayName: 'Non-compliant device',
        description: 'Sent when a device becomes non-compliant.',
        defaultLocale: 'en-us',
        brandingOptions: 'includeCompanyLogo,includeContactInformation',
        roleScopeTagIds: ['0'],
      },
      lists: {
        localizedNotificationMessages: [
          message('en-us', 'Your device is not compliant', 'Open Company Portal to fix it within 24 hours.'),
          message('de-de', 'Ihr Gerät ist nicht konform', 'Öffnen Sie das Unternehmensportal.'),
        ],
      },
    },
  ];
}

/** A fresh copy of the demo tenant: 6 device configurations, 4 settings catalog, 3 compliance, 1 notification template. */
export function demoTenantSeed(): EmulatorTenantSeed {
  return {
    azureTenantId: DEMO_TENANT.azureTenantId,
    clientId: DEMO_TENANT.clientId,
    clientSecret: DEMO_TENANT.clientSecret,
    displayName: DEMO_TENANT.displayName,
    policies: {
      deviceConfiguration: deviceConfigurations(),
      settingsCatalog: settingsCatalogPolicies(),
      compliance: compliancePolicies(),
      notificationTemplates: notificationTemplates(),
    },
  };
}
