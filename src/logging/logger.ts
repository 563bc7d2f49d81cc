import pino, { type Logger } from 'pino';

// Defence in depth: code never logs these on purpose, but a logged request, error or object
// must not leak a credential if it ever does.
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.clientSecret',
  '*.*.clientSecret',
  'clientSecret',
  '*.client_secret',
  'client_secret',
  // The key ring itself holds its keys in a private field; these catch a logged environment.
  'SECRET_ENCRYPTION_KEYS',
  '*.SECRET_ENCRYPTION_KEYS',
  '*.token',
  '*.accessToken',
  '*.password',
];

export function createLogger(opts: { level: string; name: string }): Logger {
  return pino({ name: opts.name, level: opts.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

export type { Logger };
