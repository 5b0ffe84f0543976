import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Card numbers, phones, emails and search text that tills and the back office
 * send in URLs (a card scan's path, a lookup's query): they would otherwise
 * sit in every request log line (issue 15, finding 11).
 */
const PERSONAL_QUERY_KEYS = new Set(['phone', 'number', 'email', 'q', 'code', 'cardCode']);

/** The URL as logged: the scanned card in /v1/pos/cards/{code} and personal query values replaced. */
export function redactUrl(url: string): string {
  const [path, query] = url.split('?', 2) as [string, string | undefined];
  const safePath = path.replace(/^(\/v1\/pos\/cards\/)[^/]+/, '$1[redacted]');
  if (query === undefined) return safePath;
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (PERSONAL_QUERY_KEYS.has(key)) params.set(key, '[redacted]');
  return `${safePath}?${params.toString().replace(/%5Bredacted%5D/g, '[redacted]')}`;
}

/** JSON logs to stdout; secrets in headers and bodies, and personal data in URLs, are redacted. */
export function createLogger(level: string, name = 'tally', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.apiKey',
        '*.refreshToken',
        '*.token',
        '*.code',
        ...[...PERSONAL_QUERY_KEYS].map((key) => `req.query.${key}`),
        'req.params.code',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
