import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Logger } from '../logging/logger';

export interface ApiDeps {
  db: Db;
  temporal: Client;
  logger: Logger;
}
