import { issueTokenBody } from '../../api/routes/users.schema';
import { InvalidInputError } from '../../services/errors';
import { getUserByEmail, issueToken, tokenPolicyOf } from '../../services/users';
import { type AdminCommand, expectNoMoreArgs, takeOption, UsageError } from '../command';
import { parseOptions } from '../parseOptions';

export const issueTokenCommand: AdminCommand = {
  name: 'issue-token',
  usage: '--email <email> --name <token name> [--expires-in-days <n>]',
  summary:
    'issue an API token for the user and print it (once: only its hash is stored); it expires ' +
    'after --expires-in-days, at most API_TOKEN_MAX_LIFETIME_DAYS (90), which is also the default',
  async run(args, deps) {
    const email = takeOption(args, 'email');
    const days = takeOption(args, 'expires-in-days');
    const input = {
      name: takeOption(args, 'name'),
      ...(days !== undefined ? { expiresInDays: Number(days) } : {}),
    };
    expectNoMoreArgs(args);
    const body = parseOptions(issueTokenBody, input, { name: 'name', expiresInDays: 'expires-in-days' });
    if (!email) throw new UsageError('--email is required');
    const user = await getUserByEmail(deps.db(), email);
    const issued = await issueToken(deps.db(), user.id, body, 'operator', tokenPolicyOf(deps.config())).catch(
      (error: unknown) => {
        // Longer than the deployment allows (API_TOKEN_MAX_LIFETIME_DAYS): name the option.
        if (error instanceof InvalidInputError) throw new UsageError(`--expires-in-days: ${error.message}`);
        throw error;
      },
    );
    // The token alone on stdout, so `TOKEN=$(npm run -s admin -- issue-token …)` takes it whole.
    deps.print(issued.token);
    console.error(
      `token ${issued.id} for ${user.email}, expires ${issued.expiresAt?.toISOString()}; it is not shown again`,
    );
    return 0;
  },
};
