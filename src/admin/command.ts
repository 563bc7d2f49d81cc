// What an admin command is: `npm run admin -- <name> [args]` runs `run(args, deps)`.
// One file per command under ./commands, listed in ./commands/index.ts.
import type { AdminConfig } from '../config/env';
import type { Db } from '../db/client';
import type { Logger } from '../logging/logger';

/** What a command gets; config, logger and db are made on first use (help needs none of them). */
export interface AdminDeps {
  env: NodeJS.ProcessEnv;
  /** Writes one line of the command's output (stdout). */
  print: (line: string) => void;
  /** The environment, validated once (DATABASE_URL, the secret keys when set). */
  config: () => AdminConfig;
  logger: () => Logger;
  /** The database, connected on first use and disconnected by main after the command. */
  db: () => Db;
}

export interface AdminCommand {
  name: string;
  /** Arguments after the name, e.g. `<email> [--platform-admin]`; empty when there are none. */
  usage: string;
  /** One line for `help`. */
  summary: string;
  /** Resolves to the exit code (0 when omitted). */
  run(args: string[], deps: AdminDeps): Promise<number | undefined>;
}

/** A wrong invocation: main prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {}

/** Removes `--name value` (or `--name=value`) from args and returns the value. */
export function takeOption(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith(`--${name}=`)) {
      args.splice(i, 1);
      return arg.slice(name.length + 3);
    }
    if (arg === `--${name}`) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      args.splice(i, 2);
      return value;
    }
  }
  return undefined;
}

/** Removes the flag `--name` from args and says whether it was there. */
export function takeFlag(args: string[], name: string): boolean {
  const index = args.indexOf(`--${name}`);
  if (index >= 0) args.splice(index, 1);
  return index >= 0;
}

/** Fails on anything left after a command took its options. */
export function expectNoMoreArgs(args: string[]): void {
  if (args.length > 0) throw new UsageError(`unexpected argument: ${args[0]}`);
}
