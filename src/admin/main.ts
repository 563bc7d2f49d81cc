// `npm run admin -- <command> [args]` (from a build: `node dist/admin/main.js <command> [args]`):
// operator commands that work on the database directly, such as bootstrapping the first admin
// of a fresh deployment or re-encrypting tenant secrets after a key rotation. Configuration
// comes from the environment (loadAdminConfig), read only when a command needs it.
import { type AdminConfig, loadAdminConfig } from '../config/env';
import { createDb, type Db } from '../db/client';
import { createLogger, type Logger } from '../logging/logger';
import { type AdminDeps, UsageError } from './command';
import { findCommand } from './commands';

export async function runAdmin(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name = 'help', ...args] = argv;
  const command = findCommand(name);
  if (!command) {
    console.error(`unknown command "${name}"; \`npm run admin -- help\` lists the commands`);
    return 2;
  }
  let config: AdminConfig | undefined;
  let logger: Logger | undefined;
  let db: Db | undefined;
  const deps: AdminDeps = {
    env,
    print: (line) => void process.stdout.write(`${line}\n`),
    config: () => {
      config ??= loadAdminConfig(env);
      return config;
    },
    logger: () => {
      logger ??= createLogger({ level: deps.config().LOG_LEVEL, name: 'admin' });
      return logger;
    },
    db: () => {
      db ??= createDb(deps.config().DATABASE_URL, deps.logger());
      return db;
    },
  };
  try {
    return (await command.run(args, deps)) ?? 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\nusage: npm run admin -- ${command.name} ${command.usage}`.trimEnd());
    return 2;
  } finally {
    await db?.$disconnect();
  }
}

if (require.main === module) {
  runAdmin(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // ConfigError and command errors say what is wrong without values; no stack for operators.
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
