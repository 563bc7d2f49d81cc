import type { Rng } from '../prng';
import type { GraphJson } from '../types';
import { base64Of } from './common';
import type { Links, Made, Variant } from './deviceConfiguration';

// Certificate profiles and the profiles that use them. Trusted roots stand alone; SCEP and PKCS
// profiles link to a trusted root of their platform and serve as identity certificates; Wi-Fi
// and VPN profiles link to both. Links point at the nearest earlier profile of the role, so the
// first profiles of a tenant may have none, as a half-configured tenant does (Graph: 404).

const CLIENT_AUTH = [{ name: 'Client Authentication', objectIdentifier: '1.3.6.1.5.5.7.3.2' }];

/** Only the links that are set: an unset single-valued link is absent, not null. */
function linked(references: Record<string, string | string[] | undefined>): Made['references'] {
  return Object.fromEntries(
    Object.entries(references).filter(([, target]) => target !== undefined && target.length > 0),
  ) as Made['references'];
}

/** A trusted root (or intermediate) CA certificate: what other profiles chain to. */
function trustedRoot(weight: number, platform: string, odataType: string, extra: GraphJson = {}): Variant {
  return {
    weight,
    role: `root:${platform}`,
    make: (rng, revision) => ({
      prefix: platform,
      kind: 'Trusted certificate',
      fields: {
        '@odata.type': odataType,
        certFileName: `Contoso-Root-CA-${rng.int(2019, 2025)}.cer`,
        trustedRootCertificate: base64Of(
          `-----BEGIN CERTIFICATE-----\n${rng.hex(96)}${revision}\n-----END CERTIFICATE-----\n`,
        ),
        ...extra,
      },
    }),
  };
}

/** Fields every SCEP and PKCS profile has (certificateProfileBase). */
function certificateBase(rng: Rng, revision: number): GraphJson {
  return {
    renewalThresholdPercentage: 10 + ((rng.int(0, 2) * 10 + revision) % 80),
    subjectAlternativeNameType: rng.pick(['userPrincipalName', 'emailAddress']),
    certificateValidityPeriodValue: rng.pick([1, 2]),
    certificateValidityPeriodScale: 'years',
    extendedKeyUsages: CLIENT_AUTH,
  };
}

/** A SCEP or PKCS profile: an identity certificate, chained to a trusted root of its platform. */
function identity(weight: number, platform: string, kind: string, fields: GraphJson): Variant {
  return {
    weight,
    role: `identity:${platform}`,
    make: (rng, revision, links) => ({
      prefix: platform,
      kind,
      fields: { ...fields, ...certificateBase(rng, revision) },
      references: linked({ rootCertificate: links.nearest(`root:${platform}`) }),
    }),
  };
}

const SCEP_URLS = ['https://ndes.contoso.com/certsrv/mscep/mscep.dll'];

const windowsScep = identity(3, 'WIN', 'SCEP certificate', {
  '@odata.type': '#microsoft.graph.windows81SCEPCertificateProfile',
  keyStorageProvider: 'useTpmKspOtherwiseUseSoftwareKsp',
  subjectNameFormat: 'custom',
  subjectNameFormatString: 'CN={{UserPrincipalName}}',
  customSubjectAlternativeNames: [],
  scepServerUrls: SCEP_URLS,
  keyUsage: 'keyEncipherment,digitalSignature',
  keySize: 'size2048',
  hashAlgorithm: 'sha2',
  certificateStore: 'user',
});

const iosScep = identity(2, 'IOS', 'SCEP certificate', {
  '@odata.type': '#microsoft.graph.iosScepCertificateProfile',
  subjectNameFormat: 'commonNameAsEmail',
  subjectNameFormatString: null,
  subjectAlternativeNameFormatString: null,
  customSubjectAlternativeNames: [],
  scepServerUrls: SCEP_URLS,
  keyUsage: 'digitalSignature',
  keySize: 'size2048',
});

const androidPkcs = identity(1, 'AND', 'PKCS certificate', {
  '@odata.type': '#microsoft.graph.androidWorkProfilePkcsCertificateProfile',
  subjectNameFormat: 'commonName',
  certificationAuthority: 'ca01.contoso.local',
  certificationAuthorityName: 'Contoso-Issuing-CA',
  certificateTemplateName: 'ContosoUser',
  subjectAlternativeNameFormatString: null,
});

/** Wi-Fi with EAP-TLS or PEAP: the server's roots always, a client certificate with EAP-TLS. */
function enterpriseWifi(
  weight: number,
  platform: string,
  odataType: string,
  roots: (rootIds: (count: number) => string[]) => Record<string, string | string[] | undefined>,
): Variant {
  return {
    weight,
    make: (rng, revision, links: Links) => {
      const tls = rng.bool(0.7);
      return {
        prefix: platform,
        kind: 'Wi-Fi enterprise',
        fields: {
          '@odata.type': odataType,
          ssid: `CONTOSO-CORP-${rng.hex(3).toUpperCase()}`,
          networkName: 'Contoso corporate',
          connectAutomatically: true,
          connectWhenNetworkNameIsHidden: rng.bool(0.2),
          eapType: tls ? 'eapTls' : 'peap',
          authenticationMethod: tls ? 'certificate' : 'usernameAndPassword',
          trustedServerCertificateNames: [`radius${1 + (revision % 4)}.contoso.com`],
        },
        references: linked({
          ...roots((count) => links.several(`root:${platform}`, count)),
          identityCertificateForClientAuthentication: tls ? links.nearest(`identity:${platform}`) : undefined,
        }),
      };
    },
  };
}

const windowsVpn: Variant = {
  weight: 2,
  make: (rng, revision, links) => {
    const certificate = rng.bool(0.7);
    return {
      prefix: 'WIN',
      kind: 'VPN',
      fields: {
        '@odata.type': '#microsoft.graph.windows10VpnConfiguration',
        connectionName: 'Contoso VPN',
        servers: [{ description: 'Primary', address: 'vpn.contoso.com', isDefaultServer: true }],
        connectionType: rng.pick(['ikEv2', 'automatic']),
        authenticationMethod: certificate ? 'certificate' : 'usernameAndPassword',
        rememberUserCredentials: rng.bool(0.5),
        enableSplitTunneling: rng.bool(0.6),
        dnsSuffixes: [`corp${revision}.contoso.com`],
      },
      references: linked({ identityCertificate: certificate ? links.nearest('identity:WIN') : undefined }),
    };
  },
};

export const CERTIFICATE_VARIANTS: readonly Variant[] = [
  trustedRoot(3, 'WIN', '#microsoft.graph.windows81TrustedRootCertificate', {
    destinationStore: 'computerCertStoreRoot',
  }),
  trustedRoot(2, 'IOS', '#microsoft.graph.iosTrustedRootCertificate'),
  trustedRoot(1, 'AND', '#microsoft.graph.androidWorkProfileTrustedRootCertificate'),
  windowsScep,
  iosScep,
  androidPkcs,
  // Windows also has a root for validating clients, never set here: an unset link (404).
  enterpriseWifi(2, 'WIN', '#microsoft.graph.windowsWifiEnterpriseEAPConfiguration', (roots) => ({
    rootCertificatesForServerValidation: roots(2),
  })),
  enterpriseWifi(1, 'IOS', '#microsoft.graph.iosEnterpriseWiFiConfiguration', (roots) => ({
    rootCertificatesForServerValidation: roots(2),
  })),
  enterpriseWifi(1, 'AND', '#microsoft.graph.androidWorkProfileEnterpriseWiFiConfiguration', (roots) => ({
    rootCertificateForServerValidation: roots(1)[0],
  })),
  windowsVpn,
];
