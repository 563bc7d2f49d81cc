import type { ReferenceNavigation } from './policyTypes';

// Which device configuration types link to certificate profiles, and through which navigation
// properties: Graph leaves these links out of the profile it lists and returns, and a restore must
// re-link a SCEP profile to its trusted root, a Wi-Fi or VPN profile to its certificates.
//
// Evidence: the Graph beta metadata inventory in deploymenttheory/terraform-provider-microsoft365
// (internal/services/resources/device_management/graph_beta/device_configuration_templates_json/
// state_relationship.go), which reads each of these live through the type-cast path, and its
// resource_docs/api_contract.md (captured against a tenant: a typed GET answers the entity or a
// collection, an unset single-valued link answers 404, `$expand` is refused); Graph docs
// intune-deviceconfig-windows81scepcertificateprofile.md (`rootCertificate`),
// intune-deviceconfig-windowswifienterpriseeapconfiguration.md, the windowsCertificateProfileBase
// get page (`…/microsoft.graph.windows10VpnConfiguration/identityCertificate`); Microsoft365DSC
// MSFT_IntuneDeviceConfigurationSCEPCertificatePolicyWindows10.psm1 (GET
// `…/microsoft.graph.windows81SCEPCertificateProfile/rootCertificate`); IntuneManagement
// Extensions/MSGraph.psm1 Add-GraphNavigationProperties (follows each navigation link).
//
// Left out: imported-PFX profiles. Their metadata inherits `rootCertificate`, but Graph answers
// 400 (no matching route) for the Android owner and work profile ones (terraform provider,
// template_coverage.md), and an imported PFX has no trusted root to link; a 400 here would fail
// every device configuration backup of the tenant.

const one = (name: string): ReferenceNavigation => ({ name, single: true });
const many = (name: string): ReferenceNavigation => ({ name, single: false });

const ROOT = [one('rootCertificate')];
const IDENTITY = [one('identityCertificate')];
const CLIENT_IDENTITY = one('identityCertificateForClientAuthentication');
const SERVER_ROOT = one('rootCertificateForServerValidation');
const SERVER_ROOTS = many('rootCertificatesForServerValidation');
const CLIENT_ROOT = one('rootCertificateForClientValidation');
const SMIME_SIGNING = one('smimeSigningCertificate');
const PKINIT = one('singleSignOnExtensionPkinitCertificate');

/** Per `@odata.type`, the certificate links the fetcher reads (one request per navigation). */
export const CERTIFICATE_REFERENCES: Readonly<Record<string, readonly ReferenceNavigation[]>> =
  Object.fromEntries(
    Object.entries({
      // Windows
      windows81SCEPCertificateProfile: ROOT,
      windowsPhone81SCEPCertificateProfile: ROOT,
      windows10VpnConfiguration: IDENTITY,
      windowsPhone81VpnConfiguration: IDENTITY,
      windowsWifiEnterpriseEAPConfiguration: [SERVER_ROOTS, CLIENT_IDENTITY, CLIENT_ROOT],
      windowsWiredNetworkConfiguration: [
        SERVER_ROOTS,
        CLIENT_IDENTITY,
        CLIENT_ROOT,
        one('secondaryIdentityCertificateForClientAuthentication'),
        one('secondaryRootCertificateForClientValidation'),
      ],
      windowsZtdnsConfiguration: [SERVER_ROOTS, many('rootCertificatesForClientValidation')],
      // iOS / iPadOS and macOS
      iosScepCertificateProfile: ROOT,
      iosVpnConfiguration: IDENTITY,
      iosikEv2VpnConfiguration: IDENTITY,
      iosEnterpriseWiFiConfiguration: [SERVER_ROOTS, CLIENT_IDENTITY],
      // Both the single and the list link are documented (iostrustedrootcertificate-list).
      iosWiredNetworkConfiguration: [SERVER_ROOTS, SERVER_ROOT, CLIENT_IDENTITY],
      iosEasEmailProfileConfiguration: [
        one('identityCertificate'),
        SMIME_SIGNING,
        one('smimeEncryptionCertificate'),
      ],
      iosDeviceFeaturesConfiguration: [CLIENT_IDENTITY, PKINIT],
      macOSScepCertificateProfile: ROOT,
      macOSVpnConfiguration: IDENTITY,
      macOSEnterpriseWiFiConfiguration: [SERVER_ROOTS, SERVER_ROOT, CLIENT_IDENTITY],
      macOSWiredNetworkConfiguration: [SERVER_ROOTS, SERVER_ROOT, CLIENT_IDENTITY],
      macOSDeviceFeaturesConfiguration: [PKINIT],
      // Android Enterprise (fully managed, work profile), AOSP and device administrator
      androidDeviceOwnerScepCertificateProfile: ROOT,
      androidDeviceOwnerPkcsCertificateProfile: ROOT,
      androidDeviceOwnerVpnConfiguration: IDENTITY,
      // Both links exist; only the single one persists (terraform provider api_contract.md).
      androidDeviceOwnerEnterpriseWiFiConfiguration: [SERVER_ROOTS, SERVER_ROOT, CLIENT_IDENTITY],
      androidWorkProfileScepCertificateProfile: ROOT,
      androidWorkProfilePkcsCertificateProfile: ROOT,
      androidWorkProfileVpnConfiguration: IDENTITY,
      androidWorkProfileEnterpriseWiFiConfiguration: [SERVER_ROOT, CLIENT_IDENTITY],
      androidWorkProfileGmailEasConfiguration: IDENTITY,
      androidWorkProfileNineWorkEasConfiguration: IDENTITY,
      androidForWorkScepCertificateProfile: ROOT,
      androidForWorkPkcsCertificateProfile: ROOT,
      androidForWorkVpnConfiguration: IDENTITY,
      androidForWorkEnterpriseWiFiConfiguration: [SERVER_ROOT, CLIENT_IDENTITY],
      androidForWorkGmailEasConfiguration: IDENTITY,
      androidForWorkNineWorkEasConfiguration: IDENTITY,
      aospDeviceOwnerScepCertificateProfile: ROOT,
      aospDeviceOwnerPkcsCertificateProfile: ROOT,
      aospDeviceOwnerEnterpriseWiFiConfiguration: [SERVER_ROOT, CLIENT_IDENTITY],
      androidScepCertificateProfile: ROOT,
      androidPkcsCertificateProfile: ROOT,
      androidVpnConfiguration: IDENTITY,
      androidEnterpriseWiFiConfiguration: [SERVER_ROOT, CLIENT_IDENTITY],
      androidEasEmailProfileConfiguration: [one('identityCertificate'), SMIME_SIGNING],
    }).map(([type, navigations]) => [`#microsoft.graph.${type}`, navigations]),
  );
