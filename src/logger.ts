import pino from 'pino';
import type { Logger } from 'pino';

/**
 * Paths that may hold a secret anywhere in a logged object; pino replaces them, so a careless
 * `log.info({ body })` still cannot write a password or token.
 */
const REDACTED = [
  'req.headers.authorization',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.pushToken',
  '*.unlockToken',
  '*.bootstrapToken',
  '*.secret',
  'password',
  'token',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED, censor: '[redacted]' } });
}
