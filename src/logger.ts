import pino, { type Logger, type LoggerOptions } from 'pino';

/** Query parameters whose values are personal data: kept out of logged URLs. */
const PERSONAL_QUERY_PARAMETERS = new Set(['snils', 'name', 'namePrefix', 'lastName', 'firstName', 'middleName', 'birthDate']);

/** Fields of personal data wherever they appear in a logged object, plus the credentials. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  ...['snils', 'lastName', 'firstName', 'middleName', 'fullName', 'birthDate', 'secret'].flatMap((field) => [
    field,
    `*.${field}`,
    `*.*.${field}`,
  ]),
];

export function maskUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const query = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of query.keys()) if (PERSONAL_QUERY_PARAMETERS.has(key)) query.set(key, 'redacted');
  return `${url.slice(0, queryStart)}?${query.toString()}`;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: { method: string; url: string; ip?: string; socket?: { remoteAddress?: string } }) => ({
        method: request.method,
        url: maskUrl(request.url),
        remoteAddress: request.ip ?? request.socket?.remoteAddress,
      }),
    },
    // Pretty lines for a person at a terminal, JSON lines for everything else (files, collectors).
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } } : {}),
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
}
