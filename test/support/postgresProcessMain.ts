// Child process of ./postgresProcess.ts: starts the embedded PostgreSQL on the data directory and
// port it is given, prints its URL, and stops it on SIGTERM or when its parent goes away.
import { startEmbeddedPostgres } from '../../src/devstack/postgres';

const [dataDir, port, database] = process.argv.slice(2);
if (!dataDir || !port || !database) throw new Error('usage: postgresProcessMain <dataDir> <port> <database>');

startEmbeddedPostgres({ dataDir, port: Number(port), database, persistent: true }).then(
  (postgres) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void postgres.stop().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    // The parent's end of stdin closes when it exits, whatever way: PostgreSQL must not outlive it.
    process.stdin.on('end', stop).resume();
    process.stdout.write(`ready ${postgres.url}\n`);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
