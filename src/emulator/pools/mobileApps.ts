import { Rng } from '../prng';
import type { GraphJson } from '../types';

// A tenant's apps (`/deviceAppManagement/mobileApps`): what app configurations target and what
// Enrollment Status Pages wait for. Not a registry type; ids derived from the tenant label.

interface AppKind {
  odataType: string;
  names: readonly string[];
  publisher: string;
  extra(rng: Rng, name: string): GraphJson;
}

const KINDS: readonly AppKind[] = [
  {
    odataType: '#microsoft.graph.win32LobApp',
    names: ['7-Zip', 'Notepad++', 'Adobe Acrobat Reader', 'VLC media player', 'Company VPN client'],
    publisher: 'Contoso packaging',
    extra: (rng, name) => ({
      fileName: `${name.replaceAll(' ', '')}.intunewin`,
      setupFilePath: 'install.cmd',
      installCommandLine: 'install.cmd /quiet',
      uninstallCommandLine: 'uninstall.cmd /quiet',
      displayVersion: `${rng.int(1, 24)}.${rng.int(0, 9)}`,
    }),
  },
  {
    odataType: '#microsoft.graph.iosStoreApp',
    names: ['Microsoft Outlook', 'Microsoft Teams', 'Microsoft Authenticator', 'Slack'],
    publisher: 'Microsoft Corporation',
    extra: (rng) => ({
      bundleId: `com.example.ios${rng.int(100, 999)}`,
      appStoreUrl: `https://apps.apple.com/app/id${rng.int(100000000, 999999999)}`,
      applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
    }),
  },
  {
    odataType: '#microsoft.graph.androidManagedStoreApp',
    names: ['Microsoft Outlook', 'Microsoft Teams', 'Microsoft Edge', 'Zoom'],
    publisher: 'Microsoft Corporation',
    extra: (rng) => ({
      packageId: `com.example.android${rng.int(100, 999)}`,
      appIdentifier: `com.example.android${rng.int(100, 999)}`,
      isSystemApp: false,
    }),
  },
  {
    odataType: '#microsoft.graph.officeSuiteApp',
    names: ['Microsoft 365 Apps for enterprise'],
    publisher: 'Microsoft',
    extra: (rng) => ({
      updateChannel: rng.pick(['current', 'monthlyEnterprise', 'semiAnnual']),
      officePlatformArchitecture: 'x64',
      productIds: ['o365ProPlusRetail'],
    }),
  },
  {
    odataType: '#microsoft.graph.webApp',
    names: ['HR portal', 'Expenses', 'Intranet', 'Service desk'],
    publisher: 'Contoso',
    extra: (rng, name) => ({
      appUrl: `https://${name.toLowerCase().replaceAll(' ', '-')}.contoso.example/${rng.int(1, 9)}`,
      useManagedBrowser: rng.bool(),
    }),
  },
];

export const MOBILE_APP_COUNT = 30;

/** Which of the kinds the k-th app is: apps of a kind are k = kind, kind + 5, … */
export const APP_KIND_INDEX = { win32: 0, ios: 1, android: 2, office: 3, web: 4 } as const;

/** The pool index of the n-th app of a kind (n wraps around the apps of that kind). */
export function appIndexOfKind(kind: keyof typeof APP_KIND_INDEX, n: number): number {
  return APP_KIND_INDEX[kind] + KINDS.length * (n % (MOBILE_APP_COUNT / KINDS.length));
}

export function mobileApp(tenantLabel: string, k: number, id: string): GraphJson {
  const rng = new Rng(`${tenantLabel}:app-body:${k}`);
  const kind = KINDS[k % KINDS.length] as AppKind;
  const name = rng.pick(kind.names);
  const created = rng.timestamp('2022-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
  return {
    '@odata.type': kind.odataType,
    id,
    displayName: `${name} ${k}`,
    description: `${name}, deployed by IT.`,
    publisher: kind.publisher,
    createdDateTime: created,
    lastModifiedDateTime: rng.timestamp(created, '2025-11-01T00:00:00Z'),
    isFeatured: rng.bool(0.1),
    publishingState: 'published',
    isAssigned: rng.bool(0.7),
    roleScopeTagIds: ['0'],
    ...kind.extra(rng, name),
  };
}
