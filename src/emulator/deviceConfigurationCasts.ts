import type { NavigationRule, TypeCast } from './graphSurface';

// The type casts Graph serves below a device configuration (`<item>/microsoft.graph.<type>/<nav>`)
// for the derived types the emulator generates: certificate links and Windows privacy access
// controls. A cast is valid only for items of that type; any other cast, or the right cast on an
// item of another type, is Graph's 400. Sources: docs intune-deviceconfig-*.md (relationships and
// their GET paths); deploymenttheory/terraform-provider-microsoft365 device_configuration_templates_json
// resource_docs/api_contract.md, captured against a tenant: a typed GET of a link answers the
// linked profile, or a collection of them; an unset single-valued link answers 404; `$expand` of
// a link is refused; imported-PFX profiles have no `rootCertificate` route (400).

/** A link to another profile: a path only, never `$expand`ed. */
const LINK: NavigationRule = {
  routable: true,
  expandOnItem: false,
  expandOnList: false,
  single: true,
  references: true,
};
const LINKS: NavigationRule = { ...LINK, single: false };

const ROOT = { rootCertificate: LINK };
const CLIENT_IDENTITY = { identityCertificateForClientAuthentication: LINK };

function cast(type: string, navigations: Record<string, NavigationRule>): [string, TypeCast] {
  return [`microsoft.graph.${type}`, { appliesTo: [`#microsoft.graph.${type}`], navigations }];
}

export const DEVICE_CONFIGURATION_CASTS: Readonly<Record<string, TypeCast>> = Object.fromEntries([
  // IntuneManagement MSGraph.psm1 reads it with `$expand=microsoft.graph.windows10GeneralConfiguration/privacyAccessControls`.
  cast('windows10GeneralConfiguration', {
    privacyAccessControls: { routable: true, expandOnItem: true, expandOnList: false },
  }),
  cast('windows81SCEPCertificateProfile', ROOT),
  cast('iosScepCertificateProfile', ROOT),
  cast('androidWorkProfilePkcsCertificateProfile', ROOT),
  cast('windows10VpnConfiguration', { identityCertificate: LINK }),
  cast('windowsWifiEnterpriseEAPConfiguration', {
    rootCertificatesForServerValidation: LINKS,
    rootCertificateForClientValidation: LINK,
    ...CLIENT_IDENTITY,
  }),
  cast('iosEnterpriseWiFiConfiguration', { rootCertificatesForServerValidation: LINKS, ...CLIENT_IDENTITY }),
  cast('androidWorkProfileEnterpriseWiFiConfiguration', {
    rootCertificateForServerValidation: LINK,
    ...CLIENT_IDENTITY,
  }),
]);
