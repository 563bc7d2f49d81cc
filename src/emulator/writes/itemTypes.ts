// The derived item types Graph's polymorphic Intune sets accept on create (the `@odata.type` of
// the body), from the Graph beta docs' resource pages of each base type. A type missing here is
// Graph's 400 "could not be resolved"; add it when a real tenant has it.

const qualified = (names: readonly string[]) => names.map((name) => `#microsoft.graph.${name}`);

const DEVICE_CONFIGURATION = [
  'androidWorkProfileGeneralDeviceConfiguration',
  'androidWorkProfileEnterpriseWiFiConfiguration',
  'androidWorkProfilePkcsCertificateProfile',
  'androidWorkProfileTrustedRootCertificate',
  'androidWorkProfileCustomConfiguration',
  'androidGeneralDeviceConfiguration',
  'androidDeviceOwnerGeneralDeviceConfiguration',
  'iosGeneralDeviceConfiguration',
  'iosCustomConfiguration',
  'iosEnterpriseWiFiConfiguration',
  'iosScepCertificateProfile',
  'iosPkcsCertificateProfile',
  'iosTrustedRootCertificate',
  'iosDeviceFeaturesConfiguration',
  'macOSCustomConfiguration',
  'macOSGeneralDeviceConfiguration',
  'macOSDeviceFeaturesConfiguration',
  'macOSEndpointProtectionConfiguration',
  'windows10CustomConfiguration',
  'windows10EndpointProtectionConfiguration',
  'windows10GeneralConfiguration',
  'windows10VpnConfiguration',
  'windows81SCEPCertificateProfile',
  'windows81TrustedRootCertificate',
  'windows10PkcsCertificateProfile',
  'windowsWifiConfiguration',
  'windowsWifiEnterpriseEAPConfiguration',
  'windowsUpdateForBusinessConfiguration',
  'windowsHealthMonitoringConfiguration',
  'windowsIdentityProtectionConfiguration',
  'windowsDeliveryOptimizationConfiguration',
  'windowsKioskConfiguration',
  'editionUpgradeConfiguration',
  'sharedPCConfiguration',
];
const COMPLIANCE = [
  'androidCompliancePolicy',
  'androidWorkProfileCompliancePolicy',
  'androidDeviceOwnerCompliancePolicy',
  'aospDeviceOwnerCompliancePolicy',
  'iosCompliancePolicy',
  'macOSCompliancePolicy',
  'windows10CompliancePolicy',
  'windows10MobileCompliancePolicy',
  'windows81CompliancePolicy',
];
const ENROLLMENT = [
  'deviceEnrollmentLimitConfiguration',
  'deviceEnrollmentPlatformRestrictionConfiguration',
  'deviceEnrollmentPlatformRestrictionsConfiguration',
  'deviceEnrollmentWindowsHelloForBusinessConfiguration',
  'windows10EnrollmentCompletionPageConfiguration',
  'deviceComanagementAuthorityConfiguration',
];
export const DEVICE_CONFIGURATION_TYPES = qualified(DEVICE_CONFIGURATION);
export const COMPLIANCE_TYPES = qualified(COMPLIANCE);
export const ENROLLMENT_TYPES = qualified(ENROLLMENT);
export const AUTOPILOT_TYPES = qualified([
  'azureADWindowsAutopilotDeploymentProfile',
  'activeDirectoryWindowsAutopilotDeploymentProfile',
]);
export const MOBILE_APP_CONFIGURATION_TYPES = qualified([
  'iosMobileAppConfiguration',
  'androidManagedStoreAppConfiguration',
  'androidForWorkMobileAppConfiguration',
]);
export const NAMED_LOCATION_TYPES = qualified(['ipNamedLocation', 'countryNamedLocation']);
