import type { Db } from '../db/client';
import type { GraphClientFactory } from '../graph';
import type { Logger } from '../logging/logger';

/** What activities need from the process; the worker builds it once. */
export interface ActivityDeps {
  db: Db;
  graph: GraphClientFactory;
  logger: Logger;
}
