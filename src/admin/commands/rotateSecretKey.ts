import { TenantSecretCipher } from '../../secrets';
import { rotateTenantSecrets } from '../../services/secretRotation';
import { type AdminCommand, expectNoMoreArgs, takeOption, UsageError } from '../command';

export const rotateSecretKeyCommand: AdminCommand = {
  name: 'rotate-secret-key',
  usage: '[--batch-size <n>]',
  summary: 're-encrypt every tenant client secret not under SECRET_ENCRYPTION_KEY_ID with that key',
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
    const report = await rotateTenantSecrets(deps.db(), new TenantSecretCipher(secretKeys), { batchSize });
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
    const remaining = Object.entries(report.after).filter(([keyId]) => keyId !== report.activeKeyId);
    if (remaining.length > 0) {
      deps.print('some secrets are not under the active key yet; fix the above and run the command again');
      return 1;
    }
    deps.print('every tenant secret is under the active key; older keys can now be removed');
    return 0;
  },
};
