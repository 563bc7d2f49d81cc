// The admin commands. To add one: a file in this folder exporting an AdminCommand, listed here.
import type { AdminCommand } from '../command';
import { addMemberCommand } from './addMember';
import { createUserCommand } from './createUser';
import { helpCommand } from './help';
import { issueTokenCommand } from './issueToken';
import { rotateSecretKeyCommand } from './rotateSecretKey';
import { listUsersCommand, USER_STANDING_COMMANDS } from './userStanding';
import { verifyExportCommand } from './verifyExport';

export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  helpCommand(() => ADMIN_COMMANDS),
  createUserCommand,
  issueTokenCommand,
  addMemberCommand,
  listUsersCommand,
  ...USER_STANDING_COMMANDS,
  rotateSecretKeyCommand,
  verifyExportCommand,
];

export function findCommand(name: string): AdminCommand | undefined {
  return ADMIN_COMMANDS.find((command) => command.name === name);
}
