// What the emulator derives on a write, as Graph does: from the values, messages and versions written.
import { deriveInto } from '../../src/emulator/writes/derived';
import type { EmulatorNode, GraphJson } from '../../src/emulator/types';

const value = (policyType: string): EmulatorNode => ({
  object: { enabled: true },
  expandable: { definition: { id: policyType, policyType } },
});

describe('deriveInto', () => {
  it('names the ADMX kind of the definitions a policy uses: builtIn, custom, mixed; unknown without values', () => {
    const policy = (types: string[], object: GraphJson = {}): unknown =>
      deriveInto('administrativeTemplates', { object, lists: { definitionValues: types.map(value) } }).object
        .policyConfigurationIngestionType;
    expect(policy(['admxBacked', 'admxBacked'])).toBe('builtIn');
    expect(policy(['admxIngested'])).toBe('custom');
    expect(policy(['admxBacked', 'admxIngested'])).toBe('mixed');
    expect(policy([])).toBe('unknown');
    expect(policy([], { policyConfigurationIngestionType: 'builtIn' })).toBe('builtIn');
    expect(policy(['admxIngested'], { policyConfigurationIngestionType: 'builtIn' })).toBe('custom');
  });

  it('takes defaultLocale from the message marked isDefault', () => {
    const message = (locale: string, isDefault: boolean): EmulatorNode => ({ object: { locale, isDefault } });
    const node = deriveInto('notificationTemplates', {
      object: { displayName: 'n' },
      lists: { localizedNotificationMessages: [message('en-us', false), message('de-de', true)] },
    });
    expect(node.object.defaultLocale).toBe('de-de');
  });

  it('derives update content from the version or release, and mirrors rolePermissions into permissions', () => {
    const feature = deriveInto('featureUpdateProfiles', {
      object: { featureUpdateVersion: 'Windows 11, version 24H2' },
    }).object;
    expect(feature.deployableContentDisplayName).toBe('Windows 11, version 24H2');
    expect(typeof feature.endOfSupportDate).toBe('string');
    const quality = deriveInto('qualityUpdateProfiles', {
      object: { expeditedUpdateSettings: { qualityUpdateRelease: '2025-10-14T00:00:00Z' } },
    }).object;
    expect(quality.releaseDateDisplayName).toBe('2025-10 - 2025.10 B Security Updates');
    expect(quality.deployableContentDisplayName).toBe('Quality Updates');
    const rolePermissions = [{ actions: ['Microsoft.Intune_Audit_Read'] }];
    expect(deriveInto('roleDefinitions', { object: { rolePermissions } }).object.permissions).toEqual(
      rolePermissions,
    );
  });
});
