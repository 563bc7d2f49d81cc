import { createUserBody } from '../../api/routes/users.schema';
import { createUser } from '../../services/users';
import { type AdminCommand, expectNoMoreArgs, takeFlag, takeOption } from '../command';
import { parseOptions } from '../parseOptions';

export const createUserCommand: AdminCommand = {
  name: 'create-user',
  usage: '--email <email> --name <display name> [--platform-admin]',
  summary: 'add a user (the first platform admin of a fresh deployment, say); then issue-token',
  async run(args, deps) {
    const input = {
      email: takeOption(args, 'email'),
      displayName: takeOption(args, 'name'),
      platformAdmin: takeFlag(args, 'platform-admin'),
    };
    expectNoMoreArgs(args);
    const body = parseOptions(createUserBody, input, { email: 'email', displayName: 'name' });
    const user = await createUser(deps.db(), body, 'operator');
    deps.print(`created user ${user.email} (id ${user.id})${user.platformAdmin ? ', platform admin' : ''}`);
    return 0;
  },
};
