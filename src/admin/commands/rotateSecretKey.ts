import { TenantSecretCipher } from '../../secrets';
import { rotateChannelSecrets } from '../../services/channelSecretRotation';
import { rotateOffsiteCredentials } from '../../services/offsiteCredentialRotation';
import { rotateTenantSecrets } from '../../services/secretRotation';
import { rotateSettingValues } from '../../services/settingValueRotation';
import { type AdminCommand, expectNoMoreArgs, takeOption, UsageError } from '../command';

export const rotateSecretKeyCommand: AdminCommand = {
  name: 'rotate-secret-key',
  usage: '[--batch-size <n>]',
  summary:
    're-encrypt every tenant client secret (and stored encrypted setting value and notification channel secret) not under SECRET_ENCRYPTION_KEY_ID with that key',
  async run(args, deps) {
    const batchSize = Number(takeOption(args, 'batch-size') ?? 100);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new UsageError('--batch-size must be a whole number from 1 to 10000');
    }
    expectNoMoreArgs(args);
    const { secretKeys } = deps.config();
    if (!secretKeys) {
      throw new Error('rotate-secret-key needs SECRET_ENCRYPTION_KEYS and SECRET_ENCRYPTION_KEY_ID');
    }
    const cipher = new TenantSecretCipher(secretKeys);
    const report = await rotateTenantSecrets(deps.db(), cipher, { batchSize });
    const values = await rotateSettingValues(deps.db(), cipher.settingValues, { batchSize });
    const channels = await rotateChannelSecrets(deps.db(), cipher.channels, { batchSize });
    const offsite = await rotateOffsiteCredentials(deps.db(), cipher.offsite, { batchSize });
    const counts = (byKey: Record<string, number>) =>
      Object.entries(byKey)
        .map(([keyId, count]) => `${keyId} ${count}`)
        .join(', ') || 'none';
    deps.print(`active key:     ${report.activeKeyId}`);
    deps.print(`before:         ${counts(report.before)}`);
    deps.print(`re-encrypted:   ${counts(report.reencrypted)}`);
    if (report.changedMeanwhile > 0) {
      deps.print(`changed meanwhile through the API (left as written): ${report.changedMeanwhile}`);
    }
    if (report.undecryptable.length > 0) {
      deps.print(
        `undecryptable (key missing from SECRET_ENCRYPTION_KEYS, or tampered): ${report.undecryptable.length}`,
      );
      for (const tenantId of report.undecryptable) deps.print(`  tenant ${tenantId}`);
    }
    deps.print(`after:          ${counts(report.after)}`);
    // Encrypted OMA-URI values a backup read with the write permission (src/secrets/settingValues.ts).
    deps.print(`setting values: ${counts(values.before)}; re-encrypted ${values.reencrypted}`);
    if (values.undecryptable > 0) deps.print(`undecryptable setting values: ${values.undecryptable}`);
    deps.print(`setting values after: ${counts(values.after)}`);
    // Webhook signing secrets (current and previous) and Teams URLs (src/secrets/channelSecrets.ts).
    deps.print(`channel secrets: ${counts(channels.before)}; re-encrypted ${counts(channels.reencrypted)}`);
    if (channels.changedMeanwhile > 0) {
      deps.print(
        `channels changed meanwhile through the API (left as written): ${channels.changedMeanwhile}`,
      );
    }
    if (channels.undecryptable.length > 0) {
      deps.print(`undecryptable channel secrets: ${channels.undecryptable.length}`);
      for (const channelId of channels.undecryptable) deps.print(`  notification channel ${channelId}`);
    }
    deps.print(`channel secrets after: ${counts(channels.after)}`);
    // Offsite destination credentials (src/secrets/offsiteCredentials.ts).
    deps.print(`offsite credentials: ${counts(offsite.before)}; re-encrypted ${offsite.reencrypted}`);
    if (offsite.changedMeanwhile > 0)
      deps.print(
        `offsite destinations changed meanwhile through the API (left as written): ${offsite.changedMeanwhile}`,
      );
    if (offsite.undecryptable.length > 0) {
      deps.print(`undecryptable offsite credentials: ${offsite.undecryptable.length}`);
      for (const tenantId of offsite.undecryptable) deps.print(`  offsite destination of tenant ${tenantId}`);
    }
    deps.print(`offsite credentials after: ${counts(offsite.after)}`);
    const remaining = [report.after, values.after, channels.after, offsite.after]
      .flatMap((byKey) => Object.entries(byKey))
      .filter(([keyId]) => keyId !== report.activeKeyId);
    if (remaining.length > 0) {
      deps.print('some secrets are not under the active key yet; fix the above and run the command again');
      return 1;
    }
    deps.print('every stored secret is under the active key; older keys can now be removed');
    return 0;
  },
};
