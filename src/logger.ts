import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs to stdout; secrets in headers and bodies are redacted. */
export function createLogger(level: string, name = 'tally'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.apiKey', '*.refreshToken', '*.token', '*.code'],
      censor: '[redacted]',
    },
  });
}
