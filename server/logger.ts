import pino from 'pino';
import type { Config } from './config';

/** Structured JSON logs; secrets never reach them. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): pino.Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password'],
      censor: '[ẩn]',
    },
  });
}
