import type { Logger } from 'pino';
import type { Config } from './config';
import type { Db } from './db';

/** What handlers and services need from the running app, built once in createApp's caller. */
export interface AppContext {
  config: Config;
  db: Db;
  logger: Logger;
  sessionSecret: string;
}
