// Users over time on the command line: list them, deactivate and reactivate them, grant and
// remove platform admin. The same service as the API (../../services/userAdmin.ts), so the
// last-admin guard, idempotence and audit rows are the same; the actor is `operator`.
import { usersQuery } from '../../api/routes/users.schema';
import type { User } from '../../db/client';
import {
  changeStanding,
  getUserByIdOrEmail,
  listUsersPage,
  type StandingChangeName,
} from '../../services/userAdmin';
import { type AdminCommand, expectNoMoreArgs, takeOption, UsageError } from '../command';
import { parseOptions } from '../parseOptions';

const describeUser = (user: User) =>
  `${user.email} (id ${user.id})${user.platformAdmin ? ', platform admin' : ''}${user.deactivatedAt ? `, deactivated ${user.deactivatedAt.toISOString()}` : ''}`;

export const listUsersCommand: AdminCommand = {
  name: 'list-users',
  usage: '[--active true|false] [--platform-admin true|false]',
  summary: 'list users, newest first: id, email, name, platform admin, deactivated',
  async run(args, deps) {
    const filter = parseOptions(
      usersQuery,
      { active: takeOption(args, 'active'), platformAdmin: takeOption(args, 'platform-admin'), limit: 200 },
      { active: 'active', platformAdmin: 'platform-admin' },
    );
    expectNoMoreArgs(args);
    for (let cursor = filter.cursor; ; ) {
      const rows = await listUsersPage(deps.db(), { ...filter, cursor });
      for (const user of rows.slice(0, filter.limit))
        deps.print(
          [
            user.id,
            user.email,
            user.displayName,
            user.platformAdmin ? 'platform-admin' : '-',
            user.deactivatedAt ? 'deactivated' : 'active',
          ].join('\t'),
        );
      const last = rows[filter.limit - 1];
      if (rows.length <= filter.limit || !last) return 0;
      cursor = { createdAt: last.createdAt, id: last.id };
    }
  },
};

function standingCommand(
  name: string,
  change: StandingChangeName,
  summary: string,
  done: string,
): AdminCommand {
  return {
    name,
    usage: '--user <email or id>',
    summary,
    async run(args, deps) {
      const ref = takeOption(args, 'user');
      expectNoMoreArgs(args);
      if (!ref) throw new UsageError('--user is required');
      const user = await getUserByIdOrEmail(deps.db(), ref);
      const changed = await changeStanding(deps.db(), user.id, change, 'operator');
      deps.print(`${done}: ${describeUser(changed)}`);
      return 0;
    },
  };
}

export const USER_STANDING_COMMANDS: readonly AdminCommand[] = [
  standingCommand(
    'deactivate-user',
    'deactivate',
    'deactivate a user: their tokens are refused at once; memberships and tokens are kept (never the last active platform admin)',
    'deactivated',
  ),
  standingCommand(
    'reactivate-user',
    'reactivate',
    'reactivate a user: their memberships and tokens work again',
    'active',
  ),
  standingCommand(
    'grant-platform-admin',
    'grantPlatformAdmin',
    'make a user a platform admin',
    'platform admin',
  ),
  standingCommand(
    'remove-platform-admin',
    'removePlatformAdmin',
    "remove a user's platform admin role (never the last active platform admin's)",
    'no longer platform admin',
  ),
];
