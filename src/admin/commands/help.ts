import type { AdminCommand } from '../command';

export function helpCommand(list: () => readonly AdminCommand[]): AdminCommand {
  return {
    name: 'help',
    usage: '',
    summary: 'list the commands',
    async run(_args, { print }) {
      print('usage: npm run admin -- <command> [args]   (or: node dist/admin/main.js <command> [args])');
      print('');
      const width = Math.max(...list().map((command) => command.name.length));
      for (const command of list()) {
        print(`  ${command.name.padEnd(width)}  ${command.summary}`);
        if (command.usage) print(`  ${' '.repeat(width)}  usage: ${command.name} ${command.usage}`);
      }
      return 0;
    },
  };
}
